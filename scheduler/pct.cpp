#include "scheduler/pct.h"

#include <algorithm>

namespace baton::scheduler {

void Pct::begin_execution() {
    rng_ = Rng(seed_);
    step_ = 0;
    next_change_ = 0;
    priorities_.clear();
    change_points_.clear();
    for (uint32_t i = 1; i < depth_; ++i) change_points_.push_back(1 + rng_.below(steps_));
    std::sort(change_points_.begin(), change_points_.end());
}

uint64_t Pct::priority_of(ThreadId thread) {
    if (thread >= priorities_.size()) priorities_.resize(thread + 1, 0);
    // Initial priorities lie above every lowered one (1..d-1); random, so distinct in practice.
    if (priorities_[thread] == 0) priorities_[thread] = depth_ + 1 + (rng_.next() >> 2);
    return priorities_[thread];
}

size_t Pct::choose(std::span<const Option> options, ThreadId current, bool current_spinning) {
    ++step_;
    for (auto& thread : options) priority_of(thread.thread);  // newcomers get theirs in order
    while (next_change_ < change_points_.size() && change_points_[next_change_] <= step_) {
        priority_of(current);
        priorities_[current] = ++next_change_;  // below every initial priority
    }
    size_t pick = options.size();
    for (size_t i = 0; i < options.size(); ++i) {
        const Option& option = options[i];
        if (option.kind != Option::Kind::Run) continue;
        if (option.thread == current && current_spinning && options.size() > 1) continue;
        if (pick == options.size() || priorities_[option.thread] > priorities_[options[pick].thread])
            pick = i;
    }
    if (pick != options.size()) return pick;
    for (size_t i = 0; i < options.size(); ++i)
        if (options[i].kind == Option::Kind::Timeout) return i;
    return 0;
}

}  // namespace baton::scheduler
