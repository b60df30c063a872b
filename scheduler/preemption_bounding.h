// Iterative preemption bounding (Musuvathi and Qadeer, PLDI 2007, as in CHESS): every
// schedule with no preemption first, then every schedule with one, then two, ... A preemption
// is a switch away from a thread that could have gone on; switching when it blocks or ends is
// free. Most concurrency bugs need very few preemptions, so they turn up early.
//
// Steered from the explorer's side like DPOR: a plan is a prefix of choices ending in the one
// new choice, after which the execution goes on non-preemptively.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "scheduler/schedule.h"
#include "scheduler/trace.h"

namespace baton::scheduler {

class PreemptionBounding {
public:
    explicit PreemptionBounding(uint32_t max_preemptions) : max_(max_preemptions) {}

    // The plan for the next execution (fewest preemptions first), or false when every
    // schedule within the bound has run.
    bool next_plan(Plan& plan);
    void add_execution(const Trace& trace);

    uint32_t current_bound() const { return current_; }
    // A schedule was left out because it needed more preemptions than the bound.
    bool bound_hit() const { return bound_hit_; }

private:
    struct Pending {
        std::shared_ptr<const std::vector<Choice>> base;  // the execution it branches from
        size_t length;                                    // steps of `base` kept
        Choice choice;                                    // then this one
    };

    uint32_t max_;
    uint32_t current_ = 0;
    bool started_ = false;
    bool bound_hit_ = false;
    size_t prefix_ = 0;
    std::vector<std::vector<Pending>> buckets_;  // by number of preemptions
};

}  // namespace baton::scheduler
