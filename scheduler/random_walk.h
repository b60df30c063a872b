// Random walk: at every scheduling point, a uniformly random runnable thread. Now and then
// (1 in 32) a timed wait times out early or a condition-variable waiter wakes spuriously, so
// that code which mishandles those is exercised. Seeded: the same seed gives the same schedule.
#pragma once

#include "scheduler/rng.h"
#include "scheduler/strategy.h"

namespace baton::scheduler {

class RandomWalk final : public Strategy {
public:
    explicit RandomWalk(uint64_t seed) : seed_(seed), rng_(seed) {}
    void begin_execution() override { rng_ = Rng(seed_); }
    size_t choose(std::span<const Option> options, ThreadId current,
                  bool current_spinning) override;
    void end_execution() override {}

private:
    uint64_t seed_;
    Rng rng_;
};

}  // namespace baton::scheduler
