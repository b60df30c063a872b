// Guided: follows a plan (scheduler/schedule.h) step by step, then goes on non-preemptively,
// never taking a sleeping choice. This is the program-side half of every search the explorer
// steers from outside -- partial-order reduction, preemption bounding -- and of replay: the
// explorer decides the prefix, the program runs it and reports the trace. A
// PlanEnd ends the execution a given number of steps after its prefix (`baton explore`).
#pragma once

#include <vector>

#include "scheduler/schedule.h"
#include "scheduler/strategy.h"

namespace baton::scheduler {

class Guided final : public Strategy {
public:
    // `unplanned`: racy locations (8-byte granules) that were no scheduling points when the
    // plan was recorded. While the plan lasts, an access to one is taken by the thread that
    // reached it without using up a choice, so the plan still fits; the trace then has the
    // steps in terms of the new scheduling points.
    explicit Guided(Plan plan, std::optional<PlanEnd> end = std::nullopt,
                    std::vector<uint64_t> unplanned = {});
    void begin_execution() override;
    size_t choose(std::span<const Option> options, ThreadId current,
                  bool current_spinning) override;
    bool sees_every_step() const override { return true; }
    bool ends_repeated_waits() const override { return plan_.end_repeated_waits; }
    bool plans_next_step() const override { return step_ < plan_.follow.size(); }
    void end_execution() override {}

private:
    bool asleep(const Option& option) const;
    bool unplanned(const Operation& op) const;
    void wake_dependents(const Option& executed);

    Plan plan_;
    std::optional<PlanEnd> end_;  // stop after the plan (`baton explore`)
    std::vector<uint64_t> unplanned_;  // sorted
    uint64_t step_ = 0;
    std::vector<SleepingThread> asleep_;
};

}  // namespace baton::scheduler
