// The explorer drives executions of a program: which schedules to try, within which budget.
// Strategies (`--strategy`):
//   default  the portfolio a user never needs to tune: DPOR (whose first execution is the
//            default, non-preemptive schedule) for up to half the time and half the
//            executions; if it cannot finish, PCT for the rest
//   dpor     dynamic partial-order reduction only (scheduler/dpor.h)
//   bounded  iterative preemption bounding (scheduler/preemption_bounding.h)
//   pct      PCT with depth `pct_depth`, seeds counting up from `seed` (scheduler/pct.h)
//   random   random walks, seeds counting up from `seed`
// Each outcome goes to the caller as soon as it is known.
//
// One exploration can be split into shards (`shard_index` of `shard_count`) that need no
// communication: DPOR deals out its wakeup-tree branches (scheduler/dpor.h), PCT and random
// take every shard_count-th seed; preemption bounding runs whole in every shard. `run_jobs`
// runs one search (or shard) on several cores.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scheduler/execution_runner.h"
#include "scheduler/trace.h"

namespace baton::scheduler {

struct Budget {
    uint64_t max_executions = 100'000;
    double time_limit_seconds = 30;
    uint64_t max_steps = 0;  // per execution; 0: the runtime's default
};

struct SearchOptions {
    std::string strategy = "default";
    uint64_t seed = 1;
    uint32_t pct_depth = 3;
    uint32_t max_preemptions = 2;       // bounded
    uint64_t trace_limit = 200'000;     // steps an execution may take and still be searched
    uint32_t shard_index = 1;           // explore only this shard (1-based) ...
    uint32_t shard_count = 1;           // ... of this many
};

struct ExplorationStats {
    uint64_t executions = 0;
    uint64_t sleep_blocked = 0;       // DPOR executions cut short as redundant (not counted above)
    uint64_t repeated_waits = 0;      // likewise, where a thread was back in a condition wait
    uint64_t processes = 0;           // processes the program was started in (a reset is not one)
    double seconds = 0;
    bool complete = false;            // every execution of the program was covered
    std::vector<std::string> bounds;  // what kept it from being complete
    std::string strategy;             // what actually ran ("dpor", "dpor+pct", ...)
};

// One execution as the caller sees it.
struct ExecutionReport {
    uint64_t index = 0;          // 1-based, counting every execution run
    std::string description;     // "dpor execution 3", "pct seed 2 (depth 3)", ...
    std::string schedule;        // every step's choice (scheduler/schedule.h), when known
    std::vector<uint64_t> preempt_on;  // the racy locations that were scheduling points
    const RunRequest* request = nullptr;          // valid during the handler call only
    const ExecutionOutcome* outcome = nullptr;
};

// Returns false to stop exploring.
using OutcomeHandler = std::function<bool(const ExecutionReport& report)>;

class Explorer {
public:
    Explorer(RunRequest base, Budget budget, SearchOptions options)
        : base_(std::move(base)), budget_(budget), options_(std::move(options)) {}

    // Returns false (with `error`) if an execution could not be started or the program does
    // not behave deterministically under baton.
    bool run(const OutcomeHandler& handler, ExplorationStats& stats, std::string& error);

    // Runs this exploration on `jobs` cores: jobs/2 runner threads (at least one) share one
    // search (DPOR: scheduler/parallel_dpor.h; PCT and random take their seeds in turn;
    // preemption bounding runs as one), each with a program process of its own that runs the
    // runner's next execution while the runner works on the last one's outcome.
    bool run_jobs(uint32_t jobs, const OutcomeHandler& handler, ExplorationStats& stats, std::string& error);

    class Session;  // one run's clock, counters and handler (explorer.cpp)

private:
    RunRequest base_;
    Budget budget_;
    SearchOptions options_;
};

// Data-race preemption points (as in Landslide): a location found racy becomes a scheduling
// point, so a search can interleave the racing accesses themselves. Adds the 8-byte granules
// of the races `outcome` shows to the sorted `preempt_on` (up to a limit); true if it grew.
bool learn_racy_locations(const ExecutionOutcome& outcome, std::vector<uint64_t>& preempt_on);

// The schedule an execution reported ("end" record, or "schedule" after a crash), or "".
std::string reported_schedule(const ExecutionOutcome& outcome);

}  // namespace baton::scheduler
