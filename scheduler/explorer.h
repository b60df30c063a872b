// The explorer drives executions of a program: which schedules to try, within which budget.
// For now: the default (non-preemptive) schedule first, then seeded random walks until the
// executions or the time run out. Each outcome goes to the caller as soon as it is known.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "scheduler/execution_runner.h"

namespace baton::scheduler {

struct Budget {
    uint64_t max_executions = 20;
    double time_limit_seconds = 30;
    uint64_t max_steps = 0;  // per execution; 0: the runtime's default
};

struct ExplorationStats {
    uint64_t executions = 0;
    double seconds = 0;
    bool budget_exhausted = false;
};

// Called after each execution with its 1-based index, what was run and how it went. Returns
// false to stop exploring.
using OutcomeHandler =
    std::function<bool(uint64_t index, const RunRequest& request, const ExecutionOutcome& outcome)>;

class Explorer {
public:
    // `strategy`: "default" runs the default schedule and then random ones; "random" only
    // random ones. Seeds count up from `seed`.
    Explorer(RunRequest base, Budget budget, std::string strategy, uint64_t seed)
        : base_(std::move(base)), budget_(budget), strategy_(std::move(strategy)), seed_(seed) {}

    // Returns false (with `error`) if an execution could not be started.
    bool run(const OutcomeHandler& handler, ExplorationStats& stats, std::string& error);

private:
    RunRequest base_;
    Budget budget_;
    std::string strategy_;
    uint64_t seed_;
};

// "default schedule" or "random schedule, seed 7".
std::string describe_schedule(const RunRequest& request);

}  // namespace baton::scheduler
