#include "scheduler/strategy.h"

#include "scheduler/guided.h"
#include "scheduler/non_preemptive.h"
#include "scheduler/pct.h"
#include "scheduler/random_walk.h"

namespace baton::scheduler {

std::unique_ptr<Strategy> make_strategy(const StrategyConfig& config, std::string& error) {
    if (config.name == "default") return std::make_unique<NonPreemptive>();
    if (config.name == "random") return std::make_unique<RandomWalk>(config.seed);
    if (config.name == "pct") return std::make_unique<Pct>(config.seed, config.pct_depth, config.pct_steps);
    if (config.name == "guided") {
        Plan plan;
        if (!parse_plan(config.schedule, plan, error)) return nullptr;
        std::optional<PlanEnd> end;
        if (!config.plan_end.empty() && !parse_plan_end(config.plan_end, end.emplace(), error))
            return nullptr;
        return std::make_unique<Guided>(std::move(plan), end, config.unplanned);
    }
    error = "unknown strategy '" + config.name + "' (expected default, random, pct or guided)";
    return nullptr;
}

}  // namespace baton::scheduler
