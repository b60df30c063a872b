#include "scheduler/dpor.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

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
    void release() { std::vector<uint32_t>().swap(time); }
};

bool is_lock(OpKind kind) {
    return kind == OpKind::MutexLock || kind == OpKind::MutexTryLock || kind == OpKind::ReadLock ||
           kind == OpKind::WriteLock;
}

}  // namespace

WakeupTree::~WakeupTree() {
    // Each node taken out is freed with no children left: no destructor recurses.
    std::vector<WakeupTree> below = std::move(children);
    while (!below.empty()) {
        WakeupTree last = std::move(below.back());
        below.pop_back();
        for (WakeupTree& child : last.children) below.push_back(std::move(child));
        last.children.clear();
    }
}

std::vector<WakeupTree> chain(std::vector<Event>::const_iterator begin, std::vector<Event>::const_iterator end) {
    // From the last step up: a loop, not a recursion as deep as the sequence is long.
    std::vector<WakeupTree> tree;
    for (auto step = end; step != begin;) {
        --step;
        std::vector<WakeupTree> above;
        above.emplace_back(*step, std::move(tree));
        tree = std::move(above);
    }
    return tree;
}

std::vector<SleepingThread> awake_after(const std::vector<SleepingThread>& asleep, const Event& step) {
    std::vector<SleepingThread> still;
    for (const SleepingThread& sleeper : asleep)
        if (sleeper.choice.thread != step.choice.thread && !dependent(sleeper.op, step.op))
            still.push_back(sleeper);
    return still;
}

bool weak_initial(const Event& event, const std::vector<Event>& sequence) {
    for (size_t k = 0; k < sequence.size(); ++k) {
        if (sequence[k].choice.thread != event.choice.thread) continue;
        // Its thread's first step in the sequence: an initial unless something before it in
        // the sequence must stay before it. Another kind of step (a timeout instead of a
        // wakeup) is another event.
        if (sequence[k].choice.kind != event.choice.kind) return false;
        for (size_t m = 0; m < k; ++m)
            if (dependent(sequence[m].op, sequence[k].op)) return false;
        return true;
    }
    // Not in the sequence: one that commutes with all of it. Only a thread's running qualifies:
    // a timeout or a spurious wakeup is a choice instead of waiting on, so going the other
    // way later is not the same as having done it first.
    if (event.choice.kind != Option::Kind::Run) return false;
    return std::none_of(sequence.begin(), sequence.end(),
                        [&](const Event& step) { return dependent(step.op, event.op); });
}

namespace {

// The branch of `level` that `sequence` may begin like (null: none), and what is left of the
// sequence below it.
WakeupTree* begins_like(std::vector<WakeupTree>& level, std::vector<Event>& sequence) {
    // Every branch is a weak initial of what is left once it is empty: covered below.
    auto match = std::find_if(level.begin(), level.end(), [&](const WakeupTree& branch) {
        return weak_initial(branch.event, sequence);
    });
    if (match == level.end()) return nullptr;
    ThreadId thread = match->event.choice.thread;
    auto own = std::find_if(sequence.begin(), sequence.end(),
                            [&](const Event& step) { return step.choice.thread == thread; });
    if (own != sequence.end()) sequence.erase(own);
    return &*match;
}

bool covered(std::vector<WakeupTree>& level, std::vector<Event> sequence) {
    for (std::vector<WakeupTree>* at = &level;;) {
        WakeupTree* match = begins_like(*at, sequence);
        if (!match) return false;
        if (match->children.empty()) return true;
        at = &match->children;
    }
}

}  // namespace

bool insert_wakeup_sequence(std::vector<WakeupTree>& tree, std::vector<Event> sequence) {
    std::vector<WakeupTree>* level = &tree;
    for (;;) {
        const std::vector<Event> whole = sequence;
        WakeupTree* match = begins_like(*level, sequence);
        if (!match) {
            for (WakeupTree& branch : chain(whole.begin(), whole.end())) level->push_back(std::move(branch));
            return true;
        }
        if (match->children.empty()) return false;
        if (match->elsewhere) {
            // Another shard explores the leaves below, and only those: a new one is this
            // shard's, which then goes down the branch too, passing the other shard's by.
            if (covered(match->children, sequence)) return false;
            match->elsewhere = false;
            for (WakeupTree& child : match->children) child.elsewhere = true;
        }
        level = &match->children;
    }
}

bool DporSearch::next_plan(Plan& plan) {
    plan = Plan{};
    // A thread back in a condition wait it woke from spuriously, having changed nothing, is
    // where it was had it not woken: the executions without that wakeup cover what follows.
    plan.end_repeated_waits = true;
    if (!started_) {
        started_ = true;
        branch_ = 0;
        planned_asleep_.clear();
        return true;  // the first execution: non-preemptive, nothing asleep
    }
    if (shard_count_ > 1 && !split_) keep_own_branches();
    for (size_t i = stack_.size(); i-- > 0;) {
        Node& node = stack_[i];
        // Everything below this state's last branch is explored: it sleeps from now on.
        if (node.explored_taken) node.asleep.push_back({node.taken.choice, node.taken.op});
        node.explored_taken = false;
        WakeupTree branch;
        if (!take_branch(node, branch)) continue;
        std::vector<SleepingThread> asleep = awake_after(node.asleep, branch.event);
        stack_.resize(i + 1);
        // Down the branch's leftmost path; the branches beside it stay with their states.
        while (!branch.children.empty()) {
            Node next;
            next.asleep = asleep;
            next.wakeup = std::move(branch.children);
            WakeupTree child;
            if (!take_branch(next, child)) break;  // never: its own branches end in its own leaves
            asleep = awake_after(next.asleep, child.event);
            stack_.push_back(std::move(next));
            branch = std::move(child);
        }
        for (const Node& step : stack_) plan.follow.push_back(step.taken.choice);
        plan.asleep = asleep;
        plan.wakeup_from = i;
        branch_ = i;
        planned_asleep_ = std::move(asleep);
        return true;
    }
    stack_.clear();
    return false;
}

bool DporSearch::take_branch(Node& node, WakeupTree& branch) {
    // Branches another shard explores come first: the whole search would have explored them
    // by now, so they sleep.
    while (!node.wakeup.empty() && node.wakeup.front().elsewhere) {
        node.asleep.push_back({node.wakeup.front().event.choice, node.wakeup.front().event.op});
        node.wakeup.erase(node.wakeup.begin());
    }
    if (node.wakeup.empty()) return false;
    branch = std::move(node.wakeup.front());
    node.wakeup.erase(node.wakeup.begin());
    node.taken = branch.event;
    node.explored_taken = true;
    return true;
}

void DporSearch::keep_own_branches() {
    size_t waiting = 0;
    for (const Node& node : stack_) waiting += node.wakeup.size();
    if (waiting < shard_count_) return;
    split_ = true;
    size_t k = 0;
    for (Node& node : stack_)
        for (WakeupTree& branch : node.wakeup) branch.elsewhere = k++ % shard_count_ != shard_index_ - 1;
}

void DporSearch::add_execution(const Trace& trace) {
    const size_t planned = stack_.size();
    const size_t steps = trace.steps.size();
    for (size_t k = branch_; k < std::min(planned, steps); ++k) {
        stack_[k].options = trace.steps[k].options;
        stack_[k].taken = {trace.steps[k].choice, trace.steps[k].op};
    }
    if (steps < planned) {
        // The plan's step at `steps` could not be taken (the race behind it was no race):
        // nothing below it exists; the state keeps its other branches.
        stack_.resize(steps + 1);
        stack_.back().explored_taken = false;
        return;
    }
    // The steps past the plan are new states; their sleep sets start from the plan's.
    std::vector<SleepingThread> asleep = planned_asleep_;
    for (size_t k = planned; k < steps; ++k) {
        const TraceStep& step = trace.steps[k];
        Node node;
        node.options = step.options;
        node.taken = {step.choice, step.op};
        node.asleep = asleep;
        asleep = awake_after(asleep, node.taken);
        stack_.push_back(std::move(node));
    }
    find_reversals(
        trace, branch_, [&](size_t k) -> const std::vector<Option>& { return stack_[k].options; },
        [&](size_t at, std::vector<Event> sequence) { add_wakeup_sequence(at, std::move(sequence)); });
    extend_past_deadlock(trace, asleep);
}

void DporSearch::extend_past_deadlock(const Trace& trace, const std::vector<SleepingThread>& asleep) {
    // An execution ends where nobody can go on but by a spurious wakeup (a deadlock), yet a
    // waiter may still wake there: the state gets a branch of its own, one waiter's wakeup.
    // Races with what follows bring in the others'.
    if (trace.pending.empty()) return;
    Node end;
    for (const PendingOperation& pending : trace.pending) {
        if (pending.can(Option::Kind::Run) || pending.can(Option::Kind::Timeout)) return;
        if (pending.can(Option::Kind::SpuriousWakeup))
            end.options.push_back({pending.thread, Option::Kind::SpuriousWakeup, pending.op});
    }
    for (const Option& option : end.options) {
        const Event wake{{option.thread, option.kind}, option.op};
        bool sleeps = std::any_of(asleep.begin(), asleep.end(), [&](const SleepingThread& sleeper) {
            return sleeper.choice == wake.choice;
        });
        if (sleeps) continue;
        end.asleep = asleep;
        end.explored_taken = false;
        end.wakeup.emplace_back(wake);
        stack_.push_back(std::move(end));
        return;
    }
}

namespace {

// The wakeup sequence that reverses the race of step `earlier` with the later step `second`
// (at `later`, or pending at the end), or false if `second`'s thread could not go there.
bool reversal(const Trace& trace, size_t earlier, size_t later, const Event& second,
              const std::vector<Option>& options, std::vector<Event>& sequence);

}  // namespace

void find_reversals(const Trace& trace, size_t from, const OptionsAt& options_at, const Reverse& reverse) {
    auto reverse_race = [&](size_t earlier, size_t later, const Event& second) {
        std::vector<Event> sequence;
        if (reversal(trace, earlier, later, second, options_at(earlier), sequence)) reverse(earlier, std::move(sequence));
    };
    // Happens-before over the steps: program order plus every pair of dependent steps in
    // trace order (all steps on one object are dependent, so one clock per object suffices).
    std::vector<Clock> thread_clock;
    std::unordered_map<uint64_t, Clock> object_clock;
    std::unordered_map<uint64_t, std::vector<size_t>> steps_on;  // object -> step indices
    std::vector<uint32_t> epoch(trace.steps.size());           // step's time in its thread
    std::unordered_map<ThreadId, size_t> last_step_of;          // thread -> its latest step so far
    std::unordered_set<uint64_t> ended;                         // the objects of threads that ended

    auto clock_of = [&](ThreadId thread) -> Clock& {
        if (thread >= thread_clock.size()) thread_clock.resize(thread + 1);
        return thread_clock[thread];
    };
    // Whether `thread` stood blocked at the state before step i, already at the operation it
    // takes now: it had no option there and has taken no step since.
    auto blocked_before = [&](ThreadId thread, size_t i) {
        const std::vector<Option>& options = trace.steps[i].options;
        if (options.empty()) return false;  // not known
        auto last = last_step_of.find(thread);
        if (last != last_step_of.end() && last->second >= i) return false;
        return std::none_of(options.begin(), options.end(),
                            [&](const Option& option) { return option.thread == thread; });
    };
    // The latest earlier step on the same object, by another thread, that could have been
    // enabled together with `op` and is not already ordered before `thread`: the one step
    // `op` races with (all earlier ones on the object happen before that one). A lock races
    // with the holder's acquisition, which the trace does not tell from a relock of a
    // recursive mutex, a trylock or a reacquisition after a condition wait: so with every
    // lock of the holder's since another thread's step on the mutex. Those that are no race
    // end their wakeup sequence early (dpor.h).
    auto races_with = [&](ThreadId thread, const Operation& op) -> std::vector<size_t> {
        std::vector<size_t> races;
        if (op.object == 0) return races;
        auto found = steps_on.find(op.object);
        if (found == steps_on.end()) return races;
        const Clock& before = clock_of(thread);
        for (size_t k = found->second.size(); k-- > 0;) {
            size_t i = found->second[k];
            const TraceStep& earlier = trace.steps[i];
            if (earlier.choice.thread == thread) return races;  // the rest is ordered before it
            if (!may_be_co_enabled(earlier.op, op)) continue;
            // A semaphore wait that could not go before this step needed a post that came
            // after it: it cannot be moved before it. It races with the earlier step that
            // took the count it would have taken (a race reversed there lets it go first).
            if (op.kind == OpKind::SemWait && blocked_before(thread, i)) continue;
            if (before.get(earlier.choice.thread) >= epoch[i]) return races;  // so is the rest
            races.push_back(i);
            if (!is_lock(op.kind) || !is_lock(earlier.op.kind)) return races;
            for (size_t h = k; h-- > 0;) {
                const TraceStep& held = trace.steps[found->second[h]];
                if (held.choice.thread != earlier.choice.thread) break;
                if (before.get(held.choice.thread) >= epoch[found->second[h]]) break;
                if (is_lock(held.op.kind)) races.push_back(found->second[h]);
            }
            return races;
        }
        return races;
    };
    for (size_t j = 0; j < trace.steps.size(); ++j) {
        const TraceStep& step = trace.steps[j];
        ThreadId thread = step.choice.thread;
        // Races ending before `from` lie in the plan's prefix: an earlier execution had them.
        if (j >= from)
            for (size_t i : races_with(thread, step.op)) reverse_race(i, j, {step.choice, step.op});
        Clock& clock = clock_of(thread);
        if (step.op.object != 0) clock.join(object_clock[step.op.object]);
        clock.tick(thread);
        epoch[j] = clock.get(thread);
        if (step.op.object != 0) {
            object_clock[step.op.object].join(clock);
            steps_on[step.op.object].push_back(j);
        }
        last_step_of[thread] = j;
        // A program that creates and joins thousands of threads in turn would keep a clock
        // as wide as the threads so far for each: quadratic memory (1.9 GB for 20,000). An
        // ended thread's clock lives on in its object's, which is wanted until the join.
        if (step.op.kind == OpKind::ThreadExit) {
            clock.release();
            ended.insert(step.op.object);
        } else if (step.op.kind == OpKind::ThreadJoin && ended.count(step.op.object)) {
            object_clock[step.op.object].release();
        }
    }
    for (const PendingOperation& pending : trace.pending) {
        std::vector<size_t> races = races_with(pending.thread, pending.op);
        // What the thread could do at the end; a blocked thread's step is its running on.
        Option::Kind kind = Option::Kind::Run;
        if (!pending.can(Option::Kind::Run)) {
            if (pending.can(Option::Kind::Timeout)) kind = Option::Kind::Timeout;
            else if (pending.can(Option::Kind::SpuriousWakeup)) kind = Option::Kind::SpuriousWakeup;
        }
        for (size_t i : races) reverse_race(i, trace.steps.size(), {{pending.thread, kind}, pending.op});
    }
}

namespace {

bool reversal(const Trace& trace, size_t earlier, size_t later, const Event& second,
              const std::vector<Option>& options, std::vector<Event>& sequence) {
    const TraceStep& first = trace.steps[earlier];
    const ThreadId thread = second.choice.thread;
    // notdep: the steps between the two that do not happen after the first. Whatever happens
    // after it runs after a step of a thread or on an object that does.
    std::vector<bool> after_thread;
    std::unordered_set<uint64_t> after_object;
    auto mark = [&](const TraceStep& step) {
        if (step.choice.thread >= after_thread.size()) after_thread.resize(step.choice.thread + 1);
        after_thread[step.choice.thread] = true;
        if (step.op.object != 0) after_object.insert(step.op.object);
    };
    mark(first);
    bool thread_moved = false;  // `second`'s thread takes steps in between
    for (size_t k = earlier + 1; k < later; ++k) {
        const TraceStep& step = trace.steps[k];
        ThreadId t = step.choice.thread;
        if ((t < after_thread.size() && after_thread[t]) ||
            (step.op.object != 0 && after_object.count(step.op.object))) {
            mark(step);
            continue;
        }
        sequence.push_back({step.choice, step.op});
        thread_moved |= t == thread;
    }
    Event last = second;
    if (!thread_moved) {
        // The thread was already at this step before the first one: it goes the first way it
        // could go there (running, else timing out, else waking spuriously). If it could not
        // go at all, it cannot go first.
        auto own = std::find_if(options.begin(), options.end(),
                                [&](const Option& option) { return option.thread == thread; });
        if (own != options.end()) last.choice.kind = own->kind;
        else if (!options.empty()) return false;
    }
    sequence.push_back(last);
    return true;
}

}  // namespace

void DporSearch::add_wakeup_sequence(size_t at, std::vector<Event> sequence) {
    Node& node = stack_[at];
    for (const SleepingThread& sleeper : node.asleep)
        if (weak_initial({sleeper.choice, sleeper.op}, sequence)) return;
    insert_wakeup_sequence(node.wakeup, std::move(sequence));
}

}  // namespace baton::scheduler
