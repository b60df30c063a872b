#include "scheduler/strategy.h"

#include "scheduler/non_preemptive.h"
#include "scheduler/random_walk.h"

namespace baton::scheduler {

std::unique_ptr<Strategy> make_strategy(const StrategyConfig& config, std::string& error) {
    if (config.name == "default") return std::make_unique<NonPreemptive>();
    if (config.name == "random") return std::make_unique<RandomWalk>(config.seed);
    error = "unknown strategy '" + config.name + "' (expected default or random)";
    return nullptr;
}

}  // namespace baton::scheduler
