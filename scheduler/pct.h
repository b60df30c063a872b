// PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
// ASPLOS 2010): every thread gets a random priority, the highest-priority thread that can run
// always runs, and at d-1 random steps the running thread's priority drops below all others.
// A bug of depth d (d ordering constraints) is found in each execution with probability at
// least 1/(n k^(d-1)) for n threads and k steps. Seeded: the same seed gives the same schedule.
#pragma once

#include <vector>

#include "scheduler/rng.h"
#include "scheduler/strategy.h"

namespace baton::scheduler {

class Pct final : public Strategy {
public:
    // `steps`: how many steps an execution takes (an estimate, e.g. from an earlier one).
    Pct(uint64_t seed, uint32_t depth, uint64_t steps)
        : seed_(seed), depth_(depth < 1 ? 1 : depth), steps_(steps < 1 ? 1 : steps), rng_(seed) {}
    void begin_execution() override;
    size_t choose(std::span<const Option> options, ThreadId current,
                  bool current_spinning) override;
    bool sees_every_step() const override { return true; }
    void end_execution() override {}

private:
    uint64_t priority_of(ThreadId thread);

    uint64_t seed_;
    uint32_t depth_;
    uint64_t steps_;
    Rng rng_;
    uint64_t step_ = 0;
    std::vector<uint64_t> change_points_;  // sorted steps; the i-th lowers to priority i+1
    size_t next_change_ = 0;
    std::vector<uint64_t> priorities_;     // by thread; 0: not seen yet
};

}  // namespace baton::scheduler
