// The whole contract between the runtime (which executes) and a scheduling strategy (which
// decides). The runtime calls `begin_execution`, then `choose` at every scheduling point with
// more than one option, then `end_execution`. A strategy never sees pthreads, memory or
// clocks: only which threads could take a step, and how.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "scheduler/operation.h"

namespace baton::scheduler {

using ThreadId = uint32_t;

// One step the scheduler may let happen next.
struct Option {
    enum class Kind : uint8_t {
        Run,             // the thread performs its next operation
        SpuriousWakeup,  // a thread waiting on a condition variable returns without a signal
        Timeout,         // a timed wait gives up (its deadline may not have passed yet)
    };
    ThreadId thread;
    Kind kind;
    Operation op{};  // what the thread does if this option is taken
};

// What `choose` returns instead of an index when the execution should not go on.
constexpr size_t kStopDiverged = SIZE_MAX;          // a given schedule does not fit the program
constexpr size_t kStopSleepBlocked = SIZE_MAX - 1;  // every option is asleep: nothing new follows
constexpr size_t kStopPlanEnded = SIZE_MAX - 2;     // a plan that ends in `stop-after` is done
constexpr size_t kStopRepeatedWait = SIZE_MAX - 3;  // ends_repeated_waits: a thread is back in its wait

class Strategy {
public:
    virtual ~Strategy() = default;

    virtual void begin_execution() = 0;

    // Picks an index into `options` (never empty; sorted by thread, Run options first for each
    // thread). `current` is the thread that reached the scheduling point; `current_spinning` says
    // it should let another thread go: it was just parked as a busy-wait, so running it again
    // would be pointless, or it has run many steps in a row while others could (fairness).
    virtual size_t choose(std::span<const Option> options, ThreadId current,
                          bool current_spinning) = 0;

    // Strategies that follow or count steps (replay, partial-order reduction, PCT) are asked
    // at every scheduling point, also when there is only one option.
    virtual bool sees_every_step() const { return false; }

    // Whether an execution ends as redundant (as when every option is asleep) where a thread
    // that woke spuriously from a condition wait comes back to it having changed nothing:
    // a search that runs every execution once (DPOR) has run an equivalent one already.
    virtual bool ends_repeated_waits() const { return false; }

    // Whether the next choice is given (a plan or a schedule being followed). Where no thread
    // can go on except by a spurious wakeup, the runtime asks `choose` only then, and reports
    // a deadlock otherwise.
    virtual bool plans_next_step() const { return false; }

    virtual void end_execution() = 0;
};

struct StrategyConfig {
    std::string name = "default";  // "default", "random", "pct" or "guided"
    uint64_t seed = 0;
    uint32_t pct_depth = 3;        // pct: d-1 priority change points
    uint64_t pct_steps = 1000;     // pct: steps the change points are spread over
    std::string schedule;          // guided: the schedule to follow (scheduler/schedule.h)
    std::string plan_end;          // guided: where to stop after it (PlanEnd's text; "": never)
    std::vector<uint64_t> unplanned;  // guided: preemption points the plan does not count
};

// Returns null (and sets `error`) for an unknown strategy name.
std::unique_ptr<Strategy> make_strategy(const StrategyConfig& config, std::string& error);

}  // namespace baton::scheduler
