// The whole contract between the runtime (which executes) and a scheduling strategy (which
// decides). The runtime calls `begin_execution`, then `choose` at every scheduling point with
// more than one option, then `end_execution`. A strategy never sees pthreads, memory or
// clocks: only which threads could take a step, and how.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

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
};

class Strategy {
public:
    virtual ~Strategy() = default;

    virtual void begin_execution() = 0;

    // Picks an index into `options` (never empty; sorted by thread, Run options first for each
    // thread). `current` is the thread that reached the scheduling point; `current_spinning` says
    // it was just parked as a busy-wait, so running it again would be pointless.
    virtual size_t choose(std::span<const Option> options, ThreadId current,
                          bool current_spinning) = 0;

    virtual void end_execution() = 0;
};

struct StrategyConfig {
    std::string name = "default";  // "default" or "random"
    uint64_t seed = 0;
};

// Returns null (and sets `error`) for an unknown strategy name.
std::unique_ptr<Strategy> make_strategy(const StrategyConfig& config, std::string& error);

}  // namespace baton::scheduler
