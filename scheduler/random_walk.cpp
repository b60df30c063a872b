#include "scheduler/random_walk.h"

namespace baton::scheduler {

size_t RandomWalk::choose(std::span<const Option> options, ThreadId current,
                          bool current_spinning) {
    size_t runs = 0, timeouts = 0;
    while (runs < options.size() && options[runs].kind == Option::Kind::Run) ++runs;
    while (runs + timeouts < options.size() && options[runs + timeouts].kind == Option::Kind::Timeout)
        ++timeouts;
    size_t others = options.size() - runs;
    // Timeouts and spurious wakeups are rare events: when a thread can run, 1 in 32; when
    // none can, time passes (a timeout), and a spurious wakeup is still 1 in 32.
    if (others > 0 && (runs == 0 || rng_.below(32) == 0)) {
        size_t spurious = others - timeouts;
        if (timeouts > 0 && (spurious == 0 || rng_.below(32) != 0)) return runs + rng_.below(timeouts);
        if (spurious > 0) return runs + timeouts + rng_.below(spurious);
    }
    if (runs == 0) return 0;
    if (current_spinning && runs > 1) {
        // Running the spinner again would only spin: pick among the others.
        size_t pick = rng_.below(runs - 1);
        for (size_t i = 0; i < runs; ++i) {
            if (options[i].thread == current) continue;
            if (pick-- == 0) return i;
        }
    }
    return rng_.below(runs);
}

}  // namespace baton::scheduler
