#include "scheduler/random_walk.h"

namespace baton::scheduler {

size_t RandomWalk::choose(std::span<const Option> options, ThreadId current,
                          bool current_spinning) {
    size_t runs = 0;
    while (runs < options.size() && options[runs].kind == Option::Kind::Run) ++runs;
    size_t others = options.size() - runs;
    if (runs == 0 || (others > 0 && rng_.below(32) == 0))
        return runs + rng_.below(others);
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
