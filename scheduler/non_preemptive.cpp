#include "scheduler/non_preemptive.h"

namespace baton::scheduler {

size_t NonPreemptive::choose(std::span<const Option> options, ThreadId current,
                             bool current_spinning) {
    // Run options come first, sorted by thread; then timeouts, earliest deadline first.
    size_t runs = 0;
    while (runs < options.size() && options[runs].kind == Option::Kind::Run) ++runs;
    if (runs == 0) {
        for (size_t i = 0; i < options.size(); ++i)
            if (options[i].kind == Option::Kind::Timeout) return i;
        return 0;
    }
    if (!current_spinning) {
        for (size_t i = 0; i < runs; ++i)
            if (options[i].thread == current) return i;
    }
    // Round robin: the first runnable thread after `current`, wrapping around.
    for (size_t i = 0; i < runs; ++i)
        if (options[i].thread > current) return i;
    return 0;
}

}  // namespace baton::scheduler
