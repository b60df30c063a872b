#include "scheduler/dpor.h"

#include <algorithm>
#include <unordered_map>

namespace baton::scheduler {
namespace {

// A vector clock over threads, grown on demand.
struct Clock {
    std::vector<uint32_t> time;
    uint32_t get(ThreadId thread) const { return thread < time.size() ? time[thread] : 0; }
    void join(const Clock& other) {
        if (other.time.size() > time.size()) time.resize(other.time.size(), 0);
        for (size_t i = 0; i < other.time.size(); ++i) time[i] = std::max(time[i], other.time[i]);
    }
    void tick(ThreadId thread) {
        if (thread >= time.size()) time.resize(thread + 1, 0);
        ++time[thread];
    }
};

bool contains(const std::vector<Choice>& choices, Choice choice) {
    return std::find(choices.begin(), choices.end(), choice) != choices.end();
}

bool asleep(const std::vector<SleepingThread>& asleep, Choice choice) {
    return std::any_of(asleep.begin(), asleep.end(),
                       [&](const SleepingThread& sleeper) { return sleeper.choice == choice; });
}

const Option* option_of(const std::vector<Option>& options, Choice choice) {
    for (const Option& option : options)
        if (option.thread == choice.thread && option.kind == choice.kind) return &option;
    return nullptr;
}

}  // namespace

bool DporSearch::next_plan(Plan& plan) {
    plan = Plan{};
    if (!started_) {
        started_ = true;
        prefix_ = 0;
        return true;  // the first execution: non-preemptive, nothing asleep
    }
    for (size_t i = stack_.size(); i-- > 0;) {
        Node& node = stack_[i];
        auto candidate = std::find_if(node.backtrack.begin(), node.backtrack.end(), [&](Choice c) {
            return !contains(node.done, c) && !asleep(node.asleep, c);
        });
        if (candidate == node.backtrack.end()) continue;
        Choice choice = *candidate;
        const Option* taken = option_of(node.options, choice);
        // Asleep after this step: what was asleep here or already explored from here, unless
        // the new step is dependent on it (then its order relative to the step matters).
        std::vector<SleepingThread> sleepers = node.asleep;
        for (Choice done : node.done)
            if (const Option* option = option_of(node.options, done)) sleepers.push_back({done, option->op});
        for (const SleepingThread& sleeper : sleepers)
            if (!dependent(sleeper.op, taken->op)) plan.asleep.push_back(sleeper);
        node.done.push_back(choice);
        node.chosen = choice;
        node.op = taken->op;
        stack_.resize(i + 1);
        for (const Node& step : stack_) plan.follow.push_back(step.chosen);
        prefix_ = i + 1;
        planned_asleep_ = plan.asleep;
        return true;
    }
    return false;
}

void DporSearch::add_execution(const Trace& trace) {
    // The steps past the plan are new states; their sleep sets start from the plan's.
    std::vector<SleepingThread> asleep = prefix_ > 0 ? planned_asleep_ : std::vector<SleepingThread>{};
    for (size_t j = prefix_; j < trace.steps.size(); ++j) {
        const TraceStep& step = trace.steps[j];
        Node node;
        node.options = step.options;
        node.chosen = step.choice;
        node.op = step.op;
        node.done.push_back(step.choice);
        node.asleep = asleep;
        stack_.push_back(std::move(node));
        std::erase_if(asleep, [&](const SleepingThread& s) { return dependent(s.op, step.op); });
    }
    find_races(trace);
}

void DporSearch::add_backtrack(size_t index, ThreadId thread) {
    Node& node = stack_[index];
    // The thread's own option if it had one then (running beats timing out beats waking
    // spuriously: options are sorted that way); otherwise any thread that could run.
    for (const Option& option : node.options) {
        if (option.thread != thread) continue;
        Choice choice{option.thread, option.kind};
        if (!contains(node.backtrack, choice)) node.backtrack.push_back(choice);
        return;
    }
    bool any_run = std::any_of(node.options.begin(), node.options.end(),
                               [](const Option& o) { return o.kind == Option::Kind::Run; });
    for (const Option& option : node.options) {
        if (any_run && option.kind != Option::Kind::Run) continue;
        Choice choice{option.thread, option.kind};
        if (!contains(node.backtrack, choice)) node.backtrack.push_back(choice);
    }
}

void DporSearch::find_races(const Trace& trace) {
    // Happens-before over the steps: program order plus every pair of dependent steps in
    // trace order (all steps on one object are dependent, so one clock per object suffices).
    std::vector<Clock> thread_clock;
    std::unordered_map<uint64_t, Clock> object_clock;
    std::unordered_map<uint64_t, std::vector<size_t>> steps_on;  // object -> step indices
    std::vector<uint32_t> epoch(trace.steps.size());           // step's time in its thread

    auto clock_of = [&](ThreadId thread) -> Clock& {
        if (thread >= thread_clock.size()) thread_clock.resize(thread + 1);
        return thread_clock[thread];
    };
    // The latest earlier step on the same object, by another thread, that could have been
    // enabled together with `op` and is not already ordered before `thread`: a race to reverse.
    auto race_with = [&](ThreadId thread, const Operation& op) {
        if (op.object == 0) return;
        auto found = steps_on.find(op.object);
        if (found == steps_on.end()) return;
        const Clock& before = clock_of(thread);
        for (size_t k = found->second.size(); k-- > 0;) {
            size_t i = found->second[k];
            const TraceStep& earlier = trace.steps[i];
            if (earlier.choice.thread == thread) return;  // the rest is ordered before it
            if (!may_be_co_enabled(earlier.op, op)) continue;
            if (before.get(earlier.choice.thread) >= epoch[i]) return;  // ordered: so is the rest
            add_backtrack(i, thread);
            return;
        }
    };
    for (size_t j = 0; j < trace.steps.size(); ++j) {
        const TraceStep& step = trace.steps[j];
        ThreadId thread = step.choice.thread;
        race_with(thread, step.op);
        Clock& clock = clock_of(thread);
        if (step.op.object != 0) clock.join(object_clock[step.op.object]);
        clock.tick(thread);
        epoch[j] = clock.get(thread);
        if (step.op.object != 0) {
            object_clock[step.op.object].join(clock);
            steps_on[step.op.object].push_back(j);
        }
    }
    for (const PendingOperation& pending : trace.pending) race_with(pending.thread, pending.op);
}

}  // namespace baton::scheduler
