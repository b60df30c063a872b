// The default schedule: a thread runs until it blocks, finishes or spins; then the next
// thread in round-robin order runs. When nobody can run, the earliest timed wait expires.
// This is how a single-core cooperative scheduler behaves, and it is the schedule a program
// is first checked under.
#pragma once

#include "scheduler/strategy.h"

namespace baton::scheduler {

class NonPreemptive final : public Strategy {
public:
    void begin_execution() override {}
    size_t choose(std::span<const Option> options, ThreadId current,
                  bool current_spinning) override;
    void end_execution() override {}
};

}  // namespace baton::scheduler
