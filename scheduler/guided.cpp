#include "scheduler/guided.h"

#include <algorithm>

namespace baton::scheduler {

Guided::Guided(Plan plan, std::optional<PlanEnd> end, std::vector<uint64_t> unplanned)
    : plan_(std::move(plan)), end_(end), unplanned_(std::move(unplanned)) {
    std::sort(unplanned_.begin(), unplanned_.end());
}

bool Guided::unplanned(const Operation& op) const {
    return (op.kind == OpKind::PlainRead || op.kind == OpKind::PlainWrite) &&
           std::binary_search(unplanned_.begin(), unplanned_.end(), op.object);
}

void Guided::begin_execution() {
    step_ = 0;
    asleep_.clear();
    if (plan_.follow.empty()) asleep_ = plan_.asleep;
}

bool Guided::asleep(const Option& option) const {
    for (const SleepingThread& sleeper : asleep_)
        if (sleeper.choice.thread == option.thread && sleeper.choice.kind == option.kind) return true;
    return false;
}

void Guided::wake_dependents(const Option& executed) {
    // A thread's own step also wakes its other choices: they were choices at the old step.
    std::erase_if(asleep_, [&](const SleepingThread& sleeper) {
        return sleeper.choice.thread == executed.thread || dependent(sleeper.op, executed.op);
    });
}

size_t Guided::choose(std::span<const Option> options, ThreadId current, bool current_spinning) {
    if (step_ < plan_.follow.size() && !unplanned_.empty()) {
        for (size_t i = 0; i < options.size(); ++i)
            if (options[i].thread == current && options[i].kind == Option::Kind::Run &&
                unplanned(options[i].op))
                return i;
    }
    uint64_t step = step_++;
    if (step < plan_.follow.size()) {
        Choice wanted = plan_.follow[step];
        for (size_t i = 0; i < options.size(); ++i)
            if (options[i].thread == wanted.thread && options[i].kind == wanted.kind) {
                if (step + 1 == plan_.follow.size()) asleep_ = plan_.asleep;
                // The step just chosen may wake sleepers given for after the plan: the
                // explorer already accounted for it when it put them to sleep.
                return i;
            }
        // A wakeup sequence's step that cannot be taken reverses no race: nothing new follows.
        if (plan_.wakeup_from && step >= *plan_.wakeup_from) return kStopSleepBlocked;
        return kStopDiverged;
    }
    if (end_) {
        if (step - plan_.follow.size() >= end_->steps) return kStopPlanEnded;
        if (end_->only_thread) {
            for (size_t i = 0; i < options.size(); ++i)
                if (options[i].thread == *end_->only_thread && options[i].kind == Option::Kind::Run)
                    return i;
            return kStopPlanEnded;
        }
    }
    // Non-preemptive among the awake: the current thread if it can go on, else the next
    // thread that can run, else the earliest timeout. Spurious wakeups only come from a plan.
    size_t pick = options.size();
    uint32_t best = UINT32_MAX;
    for (size_t i = 0; i < options.size(); ++i) {
        const Option& option = options[i];
        if (option.kind != Option::Kind::Run || asleep(option)) continue;
        if (option.thread == current && !current_spinning) {
            pick = i;
            break;
        }
        // Distance after `current` in round-robin order; `current` itself comes last.
        uint32_t distance = option.thread - current - 1;
        if (pick == options.size() || distance < best) pick = i, best = distance;
    }
    if (pick == options.size()) {
        for (size_t i = 0; i < options.size() && pick == options.size(); ++i)
            if (options[i].kind == Option::Kind::Timeout && !asleep(options[i])) pick = i;
    }
    if (pick == options.size()) return kStopSleepBlocked;
    wake_dependents(options[pick]);
    return pick;
}

}  // namespace baton::scheduler
