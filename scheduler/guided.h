// Guided: follows a plan (scheduler/schedule.h) step by step, then goes on non-preemptively,
// never taking a sleeping choice. This is the program-side half of every search the explorer
// steers from outside -- partial-order reduction, preemption bounding -- and of replay: the
// explorer decides the prefix, the program runs it and reports the trace.
#pragma once

#include <vector>

#include "scheduler/schedule.h"
#include "scheduler/strategy.h"

namespace baton::scheduler {

class Guided final : public Strategy {
public:
    explicit Guided(Plan plan) : plan_(std::move(plan)) {}
    void begin_execution() override;
    size_t choose(std::span<const Option> options, ThreadId current,
                  bool current_spinning) override;
    bool sees_every_step() const override { return true; }
    void end_execution() override {}

private:
    bool asleep(const Option& option) const;
    void wake_dependents(const Operation& executed);

    Plan plan_;
    uint64_t step_ = 0;
    std::vector<SleepingThread> asleep_;
};

}  // namespace baton::scheduler
