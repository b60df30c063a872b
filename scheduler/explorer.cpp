#include "scheduler/explorer.h"

#include <algorithm>
#include <chrono>

namespace baton::scheduler {

std::string describe_schedule(const RunRequest& request) {
    if (request.strategy == "random") return "random schedule, seed " + std::to_string(request.seed);
    return request.strategy + " schedule";
}

bool Explorer::run(const OutcomeHandler& handler, ExplorationStats& stats, std::string& error) {
    auto started = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    become_subreaper();
    for (uint64_t index = 1; index <= budget_.max_executions; ++index) {
        double left = budget_.time_limit_seconds - elapsed();
        if (left <= 0) {
            stats.budget_exhausted = true;
            break;
        }
        RunRequest request = base_;
        bool first_is_default = strategy_ == "default";
        if (first_is_default && index == 1) {
            request.strategy = "default";
        } else {
            request.strategy = "random";
            request.seed = seed_ + index - (first_is_default ? 2 : 1);
        }
        request.max_steps = budget_.max_steps;
        request.time_limit_ms = std::max<uint64_t>(100, static_cast<uint64_t>(left * 1000));
        ExecutionOutcome outcome;
        if (!run_execution(request, outcome, error)) return false;
        ++stats.executions;
        if (!handler(index, request, outcome)) break;
    }
    stats.seconds = elapsed();
    if (stats.executions < budget_.max_executions) stats.budget_exhausted = true;
    return true;
}

}  // namespace baton::scheduler
