// The search's pieces without a program: schedules as text, plans, the guided strategy, PCT,
// DPOR and preemption bounding over a small simulated program, and schedule minimization.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>

#include "scheduler/dpor.h"
#include "scheduler/guided.h"
#include "scheduler/parallel_dpor.h"
#include "scheduler/minimize.h"
#include "scheduler/pct.h"
#include "scheduler/preemption_bounding.h"
#include "scheduler/schedule.h"

namespace bs = baton::scheduler;
using bs::Choice;
using bs::OpKind;
using bs::Option;

namespace {

TEST(Schedule, RoundTripsChoicesWithRunsTimeoutsAndSpuriousWakeups) {
    std::vector<Choice> choices;
    std::string error;
    ASSERT_TRUE(bs::parse_choices("0x3 1 2t 2s 0x2", choices, error)) << error;
    ASSERT_EQ(choices.size(), 8u);
    EXPECT_EQ(choices[3], (Choice{1, Option::Kind::Run}));
    EXPECT_EQ(choices[4], (Choice{2, Option::Kind::Timeout}));
    EXPECT_EQ(choices[5], (Choice{2, Option::Kind::SpuriousWakeup}));
    EXPECT_EQ(bs::format_choices(choices), "0x3 1 2t 2s 0x2");
}

TEST(Schedule, RejectsWhatIsNotAChoice) {
    std::vector<Choice> choices;
    std::string error;
    for (const char* bad : {"x", "1y", "1x0", "-1", "1xx2", "1t2"})
        EXPECT_FALSE(bs::parse_choices(bad, choices, error)) << bad;
}

TEST(Plan, RoundTripsFollowAndSleepers) {
    bs::Plan plan{{{0, Option::Kind::Run}, {1, Option::Kind::Run}},
                  {{{2, Option::Kind::SpuriousWakeup}, {OpKind::CondWake, 4096}}}};
    bs::Plan read;
    std::string error;
    ASSERT_TRUE(bs::parse_plan(bs::format_plan(plan), read, error)) << error;
    EXPECT_EQ(read.follow, plan.follow);
    ASSERT_EQ(read.asleep.size(), 1u);
    EXPECT_EQ(read.asleep[0].choice, plan.asleep[0].choice);
    EXPECT_EQ(read.asleep[0].op.kind, OpKind::CondWake);
    EXPECT_EQ(read.asleep[0].op.object, 4096u);
    EXPECT_FALSE(read.wakeup_from);
    EXPECT_FALSE(bs::parse_plan("asleep 1 lock", read, error));
    EXPECT_FALSE(bs::parse_plan("unknown 1", read, error));
}

TEST(Plan, RoundTripsWhereTheWakeupSequenceBegins) {
    bs::Plan plan{{{0, Option::Kind::Run}, {1, Option::Kind::Run}}, {}, 1};
    bs::Plan read;
    std::string error;
    ASSERT_TRUE(bs::parse_plan(bs::format_plan(plan), read, error)) << error;
    EXPECT_EQ(read.wakeup_from, std::optional<uint64_t>(1));
    for (const char* bad : {"wakeup", "wakeup x", "wakeup 1x", "wakeup 1 2"})
        EXPECT_FALSE(bs::parse_plan(bad, read, error)) << bad;
}

TEST(Plan, EndsAfterStepsOfAnyOrOneThread) {
    bs::PlanEnd end;
    std::string error;
    ASSERT_TRUE(bs::parse_plan_end(bs::format_plan_end({5, 2}), end, error)) << error;
    EXPECT_EQ(end.steps, 5u);
    EXPECT_EQ(end.only_thread, std::optional<uint32_t>(2));
    ASSERT_TRUE(bs::parse_plan_end("0", end, error)) << error;
    EXPECT_EQ(end.steps, 0u);
    EXPECT_FALSE(end.only_thread);
    for (const char* bad : {"", "x", "1 thread", "1 thread 2x", "1 only 2", "1 2"})
        EXPECT_FALSE(bs::parse_plan_end(bad, end, error)) << bad;
}

std::vector<Option> runnable(std::initializer_list<std::pair<uint32_t, uint64_t>> threads) {
    std::vector<Option> options;
    for (auto [thread, object] : threads) options.push_back({thread, Option::Kind::Run, {OpKind::MutexLock, object}});
    return options;
}

TEST(Guided, FollowsThePlanThenGoesOnNonPreemptively) {
    bs::Guided guided({{{1, Option::Kind::Run}}, {}});
    guided.begin_execution();
    auto options = runnable({{0, 100}, {1, 200}});
    EXPECT_EQ(guided.choose(options, 0, false), 1u);  // the plan
    EXPECT_EQ(guided.choose(options, 1, false), 1u);  // then the current thread goes on
    auto others = runnable({{0, 100}, {2, 300}});
    EXPECT_EQ(guided.choose(others, 1, false), 1u);   // round robin after thread 1: thread 2
}

TEST(Guided, StopsTheGivenNumberOfStepsAfterThePlan) {
    bs::Guided guided({{{1, Option::Kind::Run}}, {}}, bs::PlanEnd{1, std::nullopt});
    guided.begin_execution();
    auto options = runnable({{0, 100}, {1, 200}});
    EXPECT_EQ(guided.choose(options, 0, false), 1u);  // the plan
    EXPECT_EQ(guided.choose(options, 1, false), 1u);  // one step more, non-preemptively
    EXPECT_EQ(guided.choose(options, 1, false), bs::kStopPlanEnded);
}

TEST(Guided, RunsOnlyTheGivenThreadAfterThePlanAndStopsWhenItCannotRun) {
    bs::Guided guided({{}, {}}, bs::PlanEnd{10, 2});
    guided.begin_execution();
    EXPECT_EQ(guided.choose(runnable({{0, 1}, {2, 3}}), 0, false), 1u);  // thread 2, not 0
    EXPECT_EQ(guided.choose(runnable({{0, 1}}), 2, false), bs::kStopPlanEnded);
}

TEST(Guided, AccessesToUnplannedLocationsDoNotUseUpThePlan) {
    bs::Guided guided({{{1, Option::Kind::Run}, {0, Option::Kind::Run}}, {}}, std::nullopt, {4096});
    guided.begin_execution();
    std::vector<Option> racy{{0, Option::Kind::Run, {OpKind::PlainRead, 4096}},
                             {1, Option::Kind::Run, {OpKind::MutexLock, 8}}};
    EXPECT_EQ(guided.choose(racy, 0, false), 0u);  // thread 0 reads on, as when it was recorded
    EXPECT_EQ(guided.choose(racy, 0, false), 0u);
    std::vector<Option> planned{{0, Option::Kind::Run, {OpKind::PlainRead, 8192}},
                                {1, Option::Kind::Run, {OpKind::MutexLock, 8}}};
    EXPECT_EQ(guided.choose(planned, 0, false), 1u);  // the plan's first choice
    EXPECT_EQ(guided.choose(racy, 1, false), 0u);     // the plan's second: thread 0
}

TEST(Guided, SaysWhenThePlanDoesNotFit) {
    bs::Guided guided({{{5, Option::Kind::Run}}, {}});
    guided.begin_execution();
    EXPECT_EQ(guided.choose(runnable({{0, 1}, {1, 2}}), 0, false), bs::kStopDiverged);
}

TEST(Guided, AWakeupStepThatCannotBeTakenEndsTheExecutionAsRedundant) {
    // The prefix (step 0) was taken before: not fitting it is a divergence. The wakeup
    // sequence (from step 1) comes from a race the coarse model may have misjudged.
    bs::Plan plan{{{0, Option::Kind::Run}, {5, Option::Kind::Run}}, {}, 1};
    bs::Guided guided(plan);
    guided.begin_execution();
    EXPECT_EQ(guided.choose(runnable({{0, 1}, {1, 2}}), 0, false), 0u);
    EXPECT_EQ(guided.choose(runnable({{0, 1}, {1, 2}}), 0, false), bs::kStopSleepBlocked);
    bs::Guided prefix(plan);
    prefix.begin_execution();
    EXPECT_EQ(prefix.choose(runnable({{1, 2}}), 0, false), bs::kStopDiverged);
}

TEST(Guided, SleepersWakeOnADependentStepAndBlockWhenAloneAsleep) {
    // Thread 1 sleeps on object 100; thread 0's step on object 100 wakes it.
    bs::Guided guided({{}, {{{1, Option::Kind::Run}, {OpKind::MutexLock, 100}}}});
    guided.begin_execution();
    EXPECT_EQ(guided.choose(runnable({{0, 200}, {1, 100}}), 1, false), 0u);  // 1 asleep: 0 runs
    EXPECT_EQ(guided.choose(runnable({{0, 100}, {1, 100}}), 0, false), 0u);  // 0 locks 100: wakes 1
    EXPECT_EQ(guided.choose(runnable({{1, 100}}), 0, false), 0u);            // 1 is awake now
    bs::Guided blocked({{}, {{{1, Option::Kind::Run}, {OpKind::MutexLock, 100}}}});
    blocked.begin_execution();
    EXPECT_EQ(blocked.choose(runnable({{1, 100}}), 1, false), bs::kStopSleepBlocked);
}

TEST(Pct, TheSameSeedGivesTheSameScheduleAndDepthOneNeverPreempts) {
    auto run = [](bs::Pct& pct) {
        pct.begin_execution();
        std::vector<size_t> picks;
        auto options = runnable({{0, 1}, {1, 2}, {2, 3}});
        uint32_t current = 0;
        for (int step = 0; step < 50; ++step) {
            size_t pick = pct.choose(options, current, false);
            picks.push_back(pick);
            current = options[pick].thread;
        }
        return picks;
    };
    bs::Pct a(7, 3, 50), b(7, 3, 50);
    EXPECT_EQ(run(a), run(b));
    bs::Pct flat(7, 1, 50);
    auto picks = run(flat);
    EXPECT_TRUE(std::all_of(picks.begin(), picks.end(), [&](size_t p) { return p == picks[0]; }));
}

// A simulated program, run the way the runtime runs a real one: each thread runs its
// instructions; a step is an operation the scheduler sees and chooses among the options
// (runtime/execution.cpp collect_options), the other instructions run between two steps
// without it, as a thread's code between two scheduling points does. Returns the trace the
// runtime would write, with the operations of threads left blocked (a deadlock) or of those
// still live when the strategy found every option asleep.
//
// What the runtime does, and so does the simulation:
// - MutexLock is a wait: enabled only while the mutex is free; MutexUnlock frees it.
// - A condition wait is four steps. CondWait puts the thread among the condition variable's
//   waiters; MutexUnlock releases the mutex; CondWake returns from the wait, enabled once a
//   CondSignal (the oldest waiter) or CondBroadcast (all) woke it, or as a timeout if the wait
//   has a deadline (any such wait, whatever the other deadlines; virtual time moves to its
//   deadline), or spuriously if it has none; MutexLock retakes the mutex, waiting while it is held.
// - Under DPOR, a thread that woke spuriously and comes back to a wait on the same condition
//   variable having set nothing ends the execution as redundant (a repeated wait).
// - SemWait blocks until the value is positive and takes one; SemPost adds one.
// - A thread that begins with Start exists once a ThreadCreate of its object ran; a
//   ThreadJoin waits until the joined thread has run all its instructions.
constexpr uint64_t kNoDeadline = UINT64_MAX;

// Nobody can go on but by waking spuriously.
bool stuck(const std::vector<Option>& options) {
    return std::none_of(options.begin(), options.end(),
                        [](const Option& option) { return option.kind != Option::Kind::SpuriousWakeup; });
}

struct Instruction {
    enum class Kind {
        Step,       // the operation `op`
        CondWait,   // pthread_cond_wait on op.object with `mutex`, timed if `deadline` is set
        Set,        // the program sets its `variable` (under a mutex: no scheduling point)
        SkipIfSet,  // the program tests `variable`: if set, skips the next `count` instructions
        Back,       // the program loops: goes back `count` instructions
    };
    Kind kind = Kind::Step;
    bs::Operation op;
    uint64_t mutex = 0;
    uint64_t deadline = kNoDeadline;
    int variable = 0;
    size_t count = 0;

    Instruction(bs::Operation operation) : op(operation) {}  // a step, written as its operation
    Instruction(OpKind kind, uint64_t object) : op{kind, object} {}
};

Instruction cond_wait(uint64_t cond, uint64_t mutex, uint64_t deadline = kNoDeadline) {
    Instruction wait(bs::Operation{OpKind::CondWait, cond});
    wait.kind = Instruction::Kind::CondWait;
    wait.mutex = mutex;
    wait.deadline = deadline;
    return wait;
}

Instruction set_variable(int variable) {
    Instruction set(bs::Operation{});
    set.kind = Instruction::Kind::Set;
    set.variable = variable;
    return set;
}

Instruction skip_if_set(int variable, size_t count) {
    Instruction test(bs::Operation{});
    test.kind = Instruction::Kind::SkipIfSet;
    test.variable = variable;
    test.count = count;
    return test;
}

Instruction back(size_t count) {
    Instruction loop(bs::Operation{});
    loop.kind = Instruction::Kind::Back;
    loop.count = count;
    return loop;
}

// Where a simulated thread is, as the runtime keeps it.
struct ThreadState {
    enum class Phase {
        AtInstruction,  // about to take the step of instruction `pc`
        Releasing,      // among the waiters of the condition wait at `pc`: its next step is MutexUnlock
        Waiting,        // blocked in the condition wait at `pc`: its next step is CondWake
        Relocking,      // woken: its next step is MutexLock
    };
    size_t pc = 0;
    Phase phase = Phase::AtInstruction;
    bool created = true;
    bool woken = false;       // signalled (or broadcast to) while Releasing or Waiting
    uint64_t wait_order = 0;  // a signal wakes the oldest waiter
    uint64_t spurious_from = 0;  // the condition variable it woke from spuriously, nothing set since
};

struct SimulationState {
    std::vector<ThreadState> threads;
    std::set<uint64_t> held;                  // mutexes
    std::map<uint64_t, uint64_t> semaphores;  // values
    std::set<int> variables;                  // the program's, set or not
    uint64_t waits = 0;                       // condition waits begun so far
};

// How a thread's next step waits (runtime Execution::wait), if it does.
struct Blocking {
    bool waits = false;
    bool ready = true;  // what it waits for has come
    uint64_t deadline = kNoDeadline;
    bool spurious = false;  // may wake without it
};

struct Simulation {
    std::vector<std::vector<Instruction>> threads;
    std::map<uint64_t, uint64_t> semaphores = {};  // initial values (the others start at 0)

    SimulationState start() const {
        SimulationState state;
        state.threads.resize(threads.size());
        state.semaphores = semaphores;
        for (uint32_t t = 0; t < threads.size(); ++t) {
            const std::vector<Instruction>& code = threads[t];
            state.threads[t].created = code.empty() || code[0].kind != Instruction::Kind::Step ||
                                       code[0].op.kind != OpKind::Start;
            run_between_steps(state, t);
        }
        return state;
    }

    bool finished(const SimulationState& state, uint32_t t) const { return state.threads[t].pc == threads[t].size(); }
    bool live(const SimulationState& state, uint32_t t) const { return state.threads[t].created && !finished(state, t); }

    bs::Operation operation(const SimulationState& state, uint32_t t) const {
        const ThreadState& thread = state.threads[t];
        const Instruction& instruction = threads[t][thread.pc];
        switch (thread.phase) {
        case ThreadState::Phase::Releasing: return {OpKind::MutexUnlock, instruction.mutex};
        case ThreadState::Phase::Waiting: return {OpKind::CondWake, instruction.op.object};
        case ThreadState::Phase::Relocking: return {OpKind::MutexLock, instruction.mutex};
        case ThreadState::Phase::AtInstruction: break;
        }
        return instruction.op;
    }

    Blocking blocking(const SimulationState& state, uint32_t t) const {
        const ThreadState& thread = state.threads[t];
        const Instruction& instruction = threads[t][thread.pc];
        if (thread.phase == ThreadState::Phase::Waiting)
            return {true, thread.woken, instruction.deadline, instruction.deadline == kNoDeadline};
        if (thread.phase == ThreadState::Phase::Relocking)
            return {true, !state.held.count(instruction.mutex)};
        if (instruction.kind != Instruction::Kind::Step) return {};
        const bs::Operation& op = instruction.op;
        switch (op.kind) {
        case OpKind::MutexLock: return {true, !state.held.count(op.object)};
        case OpKind::SemWait: {
            auto value = state.semaphores.find(op.object);
            return {true, value != state.semaphores.end() && value->second > 0};
        }
        case OpKind::ThreadJoin: return {true, finished(state, static_cast<uint32_t>(op.object - 1))};
        default: return {};
        }
    }

    // The options in the runtime's order: who can run, then timeouts (earliest deadline
    // first), then spurious wakeups.
    std::vector<Option> options_at(const SimulationState& state) const {
        std::vector<Option> options;
        for (uint32_t t = 0; t < threads.size(); ++t) {
            if (!live(state, t)) continue;
            if (blocking(state, t).ready) options.push_back({t, Option::Kind::Run, operation(state, t)});
        }
        const size_t timeouts_begin = options.size();
        for (uint32_t t = 0; t < threads.size(); ++t) {
            if (!live(state, t)) continue;
            Blocking wait = blocking(state, t);
            if (!wait.ready && wait.deadline != kNoDeadline)
                options.push_back({t, Option::Kind::Timeout, operation(state, t)});
        }
        std::stable_sort(options.begin() + timeouts_begin, options.end(), [&](const Option& a, const Option& b) {
            return blocking(state, a.thread).deadline < blocking(state, b.thread).deadline;
        });
        for (uint32_t t = 0; t < threads.size(); ++t) {
            if (!live(state, t)) continue;
            Blocking wait = blocking(state, t);
            if (!wait.ready && wait.spurious) options.push_back({t, Option::Kind::SpuriousWakeup, operation(state, t)});
        }
        return options;
    }

    void apply(SimulationState& state, const Option& chosen) const {
        ThreadState& thread = state.threads[chosen.thread];
        const Instruction& instruction = threads[chosen.thread][thread.pc];
        switch (thread.phase) {
        case ThreadState::Phase::AtInstruction:
            if (instruction.kind == Instruction::Kind::CondWait) {
                thread.phase = ThreadState::Phase::Releasing;
                thread.woken = false;
                thread.wait_order = ++state.waits;
                return;
            }
            perform(state, instruction.op);
            break;
        case ThreadState::Phase::Releasing:
            state.held.erase(instruction.mutex);
            thread.phase = ThreadState::Phase::Waiting;
            return;
        case ThreadState::Phase::Waiting:
            thread.spurious_from = chosen.kind == Option::Kind::SpuriousWakeup ? instruction.op.object : 0;
            thread.phase = ThreadState::Phase::Relocking;
            return;
        case ThreadState::Phase::Relocking:
            state.held.insert(instruction.mutex);
            break;
        }
        thread.phase = ThreadState::Phase::AtInstruction;
        ++thread.pc;
        run_between_steps(state, chosen.thread);
    }

    // Whether the thread comes back to the wait it woke from spuriously, having set nothing.
    bool repeats_wait(const SimulationState& state, uint32_t t) const {
        const ThreadState& thread = state.threads[t];
        if (thread.phase != ThreadState::Phase::AtInstruction || !live(state, t) || thread.spurious_from == 0)
            return false;
        const Instruction& instruction = threads[t][thread.pc];
        return instruction.kind == Instruction::Kind::CondWait && instruction.op.object == thread.spurious_from;
    }

    void perform(SimulationState& state, const bs::Operation& op) const {
        switch (op.kind) {
        case OpKind::MutexLock: state.held.insert(op.object); break;
        case OpKind::MutexUnlock: state.held.erase(op.object); break;
        case OpKind::SemWait: --state.semaphores[op.object]; break;
        case OpKind::SemPost: ++state.semaphores[op.object]; break;
        case OpKind::ThreadCreate: state.threads[op.object - 1].created = true; break;
        case OpKind::CondSignal:
        case OpKind::CondBroadcast: {
            ThreadState* oldest = nullptr;
            for (uint32_t t = 0; t < threads.size(); ++t) {
                ThreadState& waiter = state.threads[t];
                bool waits = waiter.phase == ThreadState::Phase::Releasing || waiter.phase == ThreadState::Phase::Waiting;
                if (!waits || waiter.woken ||
                    threads[t][waiter.pc].op.object != op.object)
                    continue;
                if (op.kind == OpKind::CondBroadcast) waiter.woken = true;
                else if (!oldest || waiter.wait_order < oldest->wait_order) oldest = &waiter;
            }
            if (oldest) oldest->woken = true;
            break;
        }
        default: break;
        }
    }

    // The thread's code up to its next scheduling point.
    void run_between_steps(SimulationState& state, uint32_t t) const {
        ThreadState& thread = state.threads[t];
        while (thread.pc < threads[t].size()) {
            const Instruction& instruction = threads[t][thread.pc];
            switch (instruction.kind) {
            case Instruction::Kind::Step:
            case Instruction::Kind::CondWait: return;
            case Instruction::Kind::Set:
                state.variables.insert(instruction.variable);
                thread.spurious_from = 0;
                ++thread.pc;
                break;
            case Instruction::Kind::SkipIfSet:
                thread.pc += state.variables.count(instruction.variable) ? instruction.count + 1 : 1;
                break;
            case Instruction::Kind::Back: thread.pc -= instruction.count; break;
            }
        }
    }

    void add_pending(const SimulationState& state, const std::vector<Option>& options, bs::Trace& trace) const {
        for (uint32_t t = 0; t < threads.size(); ++t) {
            if (!live(state, t)) continue;
            uint8_t could = 0;
            for (const Option& option : options)
                if (option.thread == t) could |= 1u << static_cast<unsigned>(option.kind);
            trace.pending.push_back({t, operation(state, t), 0, could});
        }
    }

    enum class End { Complete, SleepBlocked, RepeatedWait };

    bs::Trace run(bs::Strategy& strategy, End& end) const {
        strategy.begin_execution();
        SimulationState state = start();
        bs::Trace trace;
        uint32_t current = 0;
        end = End::Complete;
        for (;;) {
            std::vector<Option> options = options_at(state);
            if (stuck(options) && !strategy.plans_next_step()) {
                // A deadlock (runtime Execution::schedule).
                add_pending(state, options, trace);
                return trace;
            }
            size_t pick = strategy.choose(options, current, false);
            if (pick == bs::kStopSleepBlocked) {
                // The runtime ends the execution at this scheduling point (Execution::finish).
                end = End::SleepBlocked;
                add_pending(state, options, trace);
                return trace;
            }
            const Option& chosen = options.at(pick);
            trace.steps.push_back({{chosen.thread, chosen.kind}, chosen.op, 0, {}, options});
            apply(state, chosen);
            current = chosen.thread;
            if (strategy.ends_repeated_waits() && repeats_wait(state, current)) {
                // The runtime ends the execution in cond_wait, before its scheduling point.
                end = End::RepeatedWait;
                add_pending(state, options_at(state), trace);
                return trace;
            }
        }
    }
};

constexpr uint64_t kHeap = 0x5555'0000'0000;

Simulation workers(int k, bool shared) {
    Simulation simulation;
    for (int t = 0; t < k; ++t) {
        uint64_t lock = kHeap + (shared ? 0 : 64 * t);  // an address, not a thread object
        simulation.threads.push_back({{OpKind::MutexLock, lock}, {OpKind::MutexUnlock, lock}});
    }
    return simulation;
}

// A Mazurkiewicz trace under baton's dependency (operations of different threads on one
// object): which thread's operation came when, object by object, and how it came (a wake
// that was signalled, timed out or spurious is not the same event).
using TraceKey = std::map<uint64_t, std::vector<std::pair<uint32_t, Option::Kind>>>;

TraceKey key_of(const bs::Trace& trace) {
    TraceKey key;
    for (const auto& step : trace.steps) key[step.op.object].push_back({step.choice.thread, step.choice.kind});
    return key;
}

// "object: 0 1t 2s ..." for each object: the threads' steps on it in order, how they went.
std::string describe(const TraceKey& key) {
    std::string text;
    for (const auto& [object, steps] : key) {
        text += "\n  " + std::to_string(object % 4096) + ":";
        for (const auto& [thread, kind] : steps)
            text += " " + std::to_string(thread) +
                    (kind == Option::Kind::Timeout ? "t" : kind == Option::Kind::SpuriousWakeup ? "s" : "");
    }
    return text;
}

// Every execution of the simulation, taking every option at every step: its distinct traces.
// Those in which a thread comes back to a wait it woke from spuriously, having set nothing,
// are left out, as DPOR leaves them: so a waiter in a loop has finitely many.
void all_traces(const Simulation& simulation, const SimulationState& state, bs::Trace& trace,
                std::set<TraceKey>& traces) {
    std::vector<Option> options = simulation.options_at(state);
    // Where nobody can go on but by waking spuriously, the execution ends as a deadlock, and
    // goes on if a waiter wakes.
    if (stuck(options)) traces.insert(key_of(trace));
    for (const Option& option : options) {
        SimulationState after = state;
        simulation.apply(after, option);
        if (simulation.repeats_wait(after, option.thread)) continue;
        trace.steps.push_back({{option.thread, option.kind}, option.op, 0, {}, {}});
        all_traces(simulation, after, trace, traces);
        trace.steps.pop_back();
    }
}

// How the executions of a search ended.
struct Counts {
    int complete = 0, blocked = 0, repeated = 0;  // sleep-blocked; ended at a repeated wait

    // Runs the plan; counts how the execution ended (and its trace, if complete, in `seen`).
    bs::Trace run(const Simulation& simulation, const bs::Plan& plan, std::vector<TraceKey>* seen) {
        bs::Guided guided(plan);
        Simulation::End end;
        bs::Trace trace = simulation.run(guided, end);
        switch (end) {
        case Simulation::End::Complete:
            ++complete;
            if (seen) seen->push_back(key_of(trace));
            break;
        case Simulation::End::SleepBlocked: ++blocked; break;
        case Simulation::End::RepeatedWait: ++repeated; break;
        }
        return trace;
    }
};

template <class Search>
Counts explore(Search& search, const Simulation& simulation, std::vector<TraceKey>* seen = nullptr) {
    Counts counts;
    bs::Plan plan;
    while (search.next_plan(plan) && counts.complete + counts.blocked + counts.repeated <= 100000) {
        search.add_execution(counts.run(simulation, plan, seen));
    }
    return counts;
}

TEST(DporSearch, OneExecutionPerOrderOfCriticalSections) {
    int factorial = 1;
    for (int k = 1; k <= 5; ++k) {
        factorial *= k;
        bs::DporSearch search;
        auto [complete, blocked, repeated] = explore(search, workers(k, true));
        EXPECT_EQ(complete, factorial) << k << " threads";
        EXPECT_EQ(blocked, 0) << k << " threads";
    }
}

TEST(DporSearch, IndependentThreadsNeedOneExecution) {
    bs::DporSearch search;
    auto [complete, blocked, repeated] = explore(search, workers(5, false));
    EXPECT_EQ(complete, 1);
    EXPECT_EQ(blocked, 0);
}

// Small programs of reads and writes of two variables and a lock, where plain sleep sets
// ran executions that ended sleep-blocked.
namespace mixes {
constexpr uint64_t x = kHeap, y = kHeap + 64, m = kHeap + 128, a = kHeap + 192, b = kHeap + 256;
const bs::Operation wx{OpKind::PlainWrite, x}, rx{OpKind::PlainRead, x};
const bs::Operation wy{OpKind::PlainWrite, y}, ry{OpKind::PlainRead, y};
const bs::Operation lock{OpKind::MutexLock, m}, unlock{OpKind::MutexUnlock, m};
const Simulation three_on_two{{{wx, ry, wy}, {wy, rx, wx}, {rx, wy, ry}}};
const Simulation locked_and_unlocked{{{lock, wx, unlock, wy}, {wy, lock, rx, unlock}, {lock, wy, unlock}}};
}  // namespace mixes

std::set<TraceKey> mazurkiewicz_traces(const Simulation& simulation) {
    std::set<TraceKey> traces;
    bs::Trace scratch;
    all_traces(simulation, simulation.start(), scratch, traces);
    return traces;
}

TEST(DporSearch, ExploresEachMazurkiewiczTraceOnceWithoutSleepBlocking) {
    using namespace mixes;
    const std::vector<std::pair<const char*, Simulation>> programs{
        {"message passing", {{{wx, wy}, {ry, rx}}}},
        {"readers and writers", {{{wx}, {rx, ry}, {wy, rx}}}},
        {"store buffering and a reader", {{{wx, ry}, {wy, rx}, {rx, ry}}}},
        {"writers of both", {{{wx, wy}, {wy, wx}, {ry}}}},
        {"three threads on two variables", three_on_two},
        {"a lock and unlocked readers", {{{lock, wx, unlock}, {rx, lock, wx, unlock}, {rx, ry}}}},
        {"locked and unlocked writes", locked_and_unlocked},
        {"lock order inversion",
         {{{{OpKind::MutexLock, a}, {OpKind::MutexLock, b}, {OpKind::MutexUnlock, b}, {OpKind::MutexUnlock, a}},
           {{OpKind::MutexLock, b}, {OpKind::MutexLock, a}, {OpKind::MutexUnlock, a}, {OpKind::MutexUnlock, b}}}}},
    };
    for (const auto& [name, simulation] : programs) {
        std::set<TraceKey> expected = mazurkiewicz_traces(simulation);
        bs::DporSearch search;
        std::vector<TraceKey> seen;
        auto [complete, blocked, repeated] = explore(search, simulation, &seen);
        EXPECT_EQ(complete, static_cast<int>(expected.size())) << name;
        EXPECT_EQ(blocked, 0) << name;
        EXPECT_EQ(std::set<TraceKey>(seen.begin(), seen.end()), expected) << name;
    }
}

// Programs of condition variables and semaphores. `ready` is the program's flag, read and
// written under the mutex: no scheduling point, yet it decides whether a thread waits.
namespace waits {
constexpr uint64_t m = kHeap + 512, c = kHeap + 576, items = kHeap + 640, slots = kHeap + 704, x = kHeap + 768;
constexpr int ready = 1;
const bs::Operation lock{OpKind::MutexLock, m}, unlock{OpKind::MutexUnlock, m};
const bs::Operation broadcast{OpKind::CondBroadcast, c}, signal{OpKind::CondSignal, c};
const bs::Operation wx{OpKind::PlainWrite, x}, rx{OpKind::PlainRead, x};

// lock; if (!ready) wait; unlock
std::vector<Instruction> waits_once(uint64_t deadline = kNoDeadline) {
    return {lock, skip_if_set(ready, 1), cond_wait(c, m, deadline), unlock};
}
// lock; while (!ready) wait; unlock
std::vector<Instruction> waits_in_loop() { return {lock, skip_if_set(ready, 2), cond_wait(c, m), back(2), unlock}; }
// lock; ready = true; unlock; notify
std::vector<Instruction> sets_and_notifies(bs::Operation notify) { return {lock, set_variable(ready), unlock, notify}; }

std::vector<Instruction> spawned(uint32_t thread, std::vector<Instruction> code) {
    code.insert(code.begin(), bs::Operation{OpKind::Start, bs::thread_object(thread)});
    code.push_back(bs::Operation{OpKind::ThreadExit, bs::thread_object(thread)});
    return code;
}

// testcases/lint/cond_wait_not_in_loop.cpp as the runtime runs it: main creates both waiters
// (a creation is followed by a Yield step), sets and notifies all, joins them.
Simulation cond_wait_not_in_loop() {
    std::vector<Instruction> main_thread;
    for (uint32_t t : {1u, 2u})
        main_thread.insert(main_thread.end(), {bs::Operation{OpKind::ThreadCreate, bs::thread_object(t)},
                                               bs::Operation{OpKind::Yield, 0}});
    for (const Instruction& step : sets_and_notifies(broadcast)) main_thread.push_back(step);
    for (uint32_t t : {1u, 2u}) main_thread.push_back(bs::Operation{OpKind::ThreadJoin, bs::thread_object(t)});
    return {{main_thread, spawned(1, waits_once()), spawned(2, waits_in_loop())}};
}
}  // namespace waits

const std::vector<std::pair<const char*, Simulation>>& condition_programs() {
    using namespace waits;
    static const std::vector<std::pair<const char*, Simulation>> programs{
        {"a waiter and a broadcast", {{sets_and_notifies(broadcast), waits_once()}}},
        {"a waiter and a signal", {{sets_and_notifies(signal), waits_once()}}},
        {"a timed waiter and a signal", {{sets_and_notifies(signal), waits_once(10)}}},
        {"a timed waiter, one without, a broadcast", {{sets_and_notifies(broadcast), waits_once(), waits_once(5)}}},
        // Any timed wait may time out, whatever the other deadlines: the timeouts of two
        // threads commute. (When only the earliest deadline could expire, one thread's timed
        // wait took the other's timeout away, which no race shows: DPOR ran 53 of 71 traces.)
        {"two timed waiters and a signal", {{sets_and_notifies(signal), waits_once(10), waits_once(5)}}},
        {"two waiters and a signal", {{sets_and_notifies(signal), waits_once(), waits_once()}}},
        {"two waiters and a broadcast", {{sets_and_notifies(broadcast), waits_once(), waits_once()}}},
        {"a waiter in a loop and a broadcast", {{sets_and_notifies(broadcast), waits_in_loop()}}},
        {"one waiter without loop, one with, a signal",
         {{sets_and_notifies(signal), waits_once(), waits_in_loop()}}},
        {"cond_wait_not_in_loop", cond_wait_not_in_loop()},
    };
    return programs;
}

struct Comparison {
    int complete = 0, blocked = 0, repeated = 0;
    std::set<TraceKey> explored;  // by DPOR, distinct
    std::set<TraceKey> expected;  // every trace
};

Comparison compare(const Simulation& simulation) {
    Comparison comparison;
    bs::DporSearch search;
    std::vector<TraceKey> seen;
    Counts counts = explore(search, simulation, &seen);
    comparison.complete = counts.complete, comparison.blocked = counts.blocked, comparison.repeated = counts.repeated;
    comparison.explored.insert(seen.begin(), seen.end());
    comparison.expected = mazurkiewicz_traces(simulation);
    return comparison;
}

TEST(DporSearch, ExploresEachTraceOfSemaphoreProgramsOnce) {
    using namespace waits;
    const bs::Operation post_item{OpKind::SemPost, items}, take_item{OpKind::SemWait, items};
    const bs::Operation post_slot{OpKind::SemPost, slots}, take_slot{OpKind::SemWait, slots};
    const std::vector<std::pair<const char*, Simulation>> programs{
        {"two producers and a consumer",
         {{{lock, wx, unlock, post_item},
           {lock, wx, unlock, post_item},
           {take_item, lock, rx, unlock, take_item, lock, rx, unlock}}}},
        {"a buffer of one slot",
         {{{take_slot, lock, wx, unlock, post_item},
           {take_slot, lock, wx, unlock, post_item},
           {take_item, lock, rx, unlock, post_slot, take_item, lock, rx, unlock, post_slot}},
          {{slots, 1}}}},
        {"a semaphore of one as a lock",
         {{{take_slot, wx, post_slot}, {take_slot, rx, post_slot}, {take_slot, wx, post_slot}}, {{slots, 1}}}},
        {"two slots among three",
         {{{take_slot, wx, post_slot}, {take_slot, rx, post_slot}, {take_slot, wx, post_slot}}, {{slots, 2}}}},
        {"a post that never comes", {{{take_item, wx}, {take_item, rx}, {post_item}}}},
    };
    for (const auto& [name, simulation] : programs) {
        Comparison comparison = compare(simulation);
        EXPECT_EQ(comparison.complete, static_cast<int>(comparison.expected.size())) << name;
        EXPECT_EQ(comparison.explored, comparison.expected) << name;
        // Some reversed races are none (a wait moved before the post it needs): those
        // executions end sleep-blocked, as dpor.h says.
        EXPECT_LE(comparison.blocked, 1) << name;
    }
}

TEST(DporSearch, SimulatesConditionWaitsAsTheRuntimeRunsThem) {
    // `baton check --strategy dpor` on testcases/lint/cond_wait_not_in_loop.cpp runs 54
    // complete executions, none sleep-blocked, and 14 that end at a repeated wait: so does
    // the simulation of it.
    Comparison comparison = compare(waits::cond_wait_not_in_loop());
    EXPECT_EQ(comparison.complete, 54);
    EXPECT_EQ(comparison.blocked, 0);
    EXPECT_EQ(comparison.repeated, 14);
}

// Every trace of the condition-variable programs, each once. What it took (each cause failed
// this test before it was fixed):
// - The wait's release and the wake's retaking of the mutex are steps of their own
//   (MutexUnlock, MutexLock), so the dependency sees the mutex change hands.
// - A spurious wakeup is offered even where nobody else can go on (it used to be offered only
//   where someone could): an option that a step on another object took away was an
//   execution no race showed. Where only spurious wakeups are left, the execution ends as a
//   deadlock, and DPOR explores on from there (DporSearch::extend_past_deadlock).
// - A waiter back in a wait it woke from spuriously, having set nothing, ends the execution
//   (a repeated wait): around a loop, the traces are otherwise endless.
// - Any timed wait may time out, not only the one with the earliest deadline.
TEST(DporSearch, ExploresEachTraceOfConditionWaits) {
    for (const auto& [name, simulation] : condition_programs()) {
        Comparison comparison = compare(simulation);
        std::vector<TraceKey> missed;
        std::set_difference(comparison.expected.begin(), comparison.expected.end(), comparison.explored.begin(),
                            comparison.explored.end(), std::back_inserter(missed));
        EXPECT_TRUE(missed.empty()) << name << ": " << missed.size() << " of " << comparison.expected.size()
                                    << " traces missed, such as " << (missed.empty() ? "" : describe(missed[0]));
        EXPECT_EQ(comparison.explored, comparison.expected) << name;
        EXPECT_EQ(comparison.complete, static_cast<int>(comparison.expected.size())) << name;
    }
}

TEST(DporSearch, ShardsTogetherExploreEveryTraceEachFewerThanTheWhole) {
    const std::vector<std::pair<const char*, Simulation>> programs{
        {"five threads on one mutex", workers(5, true)},
        {"three threads on two variables", mixes::three_on_two},
        {"locked and unlocked writes", mixes::locked_and_unlocked},
        // Condition waits: branches past a deadlock and repeated waits, dealt out too.
        {"two waiters and a signal",
         {{waits::sets_and_notifies(waits::signal), waits::waits_once(), waits::waits_once()}}},
        {"cond_wait_not_in_loop", waits::cond_wait_not_in_loop()},
    };
    for (const auto& [name, simulation] : programs) {
        std::set<TraceKey> expected = mazurkiewicz_traces(simulation);
        for (uint32_t count : {2u, 3u, 5u}) {
            std::set<TraceKey> covered;
            for (uint32_t index = 1; index <= count; ++index) {
                bs::DporSearch search;
                search.set_shard(index, count);
                std::vector<TraceKey> seen;
                auto [complete, blocked, repeated] = explore(search, simulation, &seen);
                EXPECT_LT(complete, static_cast<int>(expected.size())) << name << " " << index << "/" << count;
                covered.insert(seen.begin(), seen.end());
            }
            EXPECT_EQ(covered, expected) << name << ", " << count << " shards";
        }
    }
}

// Runs the executions of `search` `runners` at a time, their traces coming back in an order
// that `seed` picks, as on runners of different speeds.
Counts explore_in_parallel(bs::ParallelDporSearch& search, const Simulation& simulation, uint32_t runners,
                           uint64_t seed, std::vector<TraceKey>& seen) {
    Counts counts;
    std::vector<std::pair<bs::ParallelDporSearch::Ticket, bs::Plan>> running;
    uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
    for (;;) {
        bs::Plan plan;
        bs::ParallelDporSearch::Ticket ticket;
        while (running.size() < runners && search.next_plan(plan, ticket)) running.emplace_back(ticket, plan);
        if (running.empty() || counts.complete + counts.blocked + counts.repeated > 100000) break;
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        size_t k = state % running.size();
        auto [done, done_plan] = running[k];
        running.erase(running.begin() + static_cast<long>(k));
        search.add_execution(done, counts.run(simulation, done_plan, &seen));
    }
    EXPECT_TRUE(search.done());
    return counts;
}

// The programs above whose traces a search must explore once each, and how many of their
// executions one search ends sleep-blocked.
std::vector<std::pair<std::string, Simulation>> programs_to_share() {
    std::vector<std::pair<std::string, Simulation>> programs{
        {"five threads on one mutex", workers(5, true)},
        {"five independent threads", workers(5, false)},
        {"three threads on two variables", mixes::three_on_two},
        {"locked and unlocked writes", mixes::locked_and_unlocked},
    };
    for (const auto& [name, simulation] : condition_programs()) programs.emplace_back(name, simulation);
    // Semaphores: some reversed races are none (a wait moved before the post it needs).
    using namespace waits;
    const bs::Operation post_item{OpKind::SemPost, items}, take_item{OpKind::SemWait, items};
    const bs::Operation post_slot{OpKind::SemPost, slots}, take_slot{OpKind::SemWait, slots};
    programs.emplace_back("two producers and a consumer",
                          Simulation{{{lock, wx, unlock, post_item},
                                      {lock, wx, unlock, post_item},
                                      {take_item, lock, rx, unlock, take_item, lock, rx, unlock}}});
    programs.emplace_back("two slots among three",
                          Simulation{{{take_slot, wx, post_slot}, {take_slot, rx, post_slot}, {take_slot, wx, post_slot}},
                                     {{slots, 2}}});
    return programs;
}

TEST(ParallelDporSearch, OneRunnerRunsTheExecutionsOfOneSearch) {
    for (const auto& [name, simulation] : programs_to_share())
    for (uint32_t shards : {1u, 2u, 3u})
    for (uint32_t shard = 1; shard <= shards; ++shard) {
        bs::DporSearch alone;
        bs::ParallelDporSearch shared;
        alone.set_shard(shard, shards);
        shared.set_shard(shard, shards);
        bs::Plan plan, shared_plan;
        bs::ParallelDporSearch::Ticket ticket;
        size_t executions = 0;
        for (;; ++executions) {
            bool more = alone.next_plan(plan);
            ASSERT_EQ(shared.next_plan(shared_plan, ticket), more) << name << ", shard " << shard << "/" << shards << ", execution " << executions;
            if (!more) break;
            ASSERT_EQ(bs::format_plan(shared_plan), bs::format_plan(plan))
                << name << ", shard " << shard << "/" << shards << ", execution " << executions;
            bs::Guided guided(plan);
            Simulation::End end;
            bs::Trace trace = simulation.run(guided, end);
            alone.add_execution(trace);
            shared.add_execution(ticket, trace);
        }
        EXPECT_TRUE(shared.done()) << name;
        EXPECT_GT(executions, 0u) << name;
    }
}

TEST(ParallelDporSearch, RunnersTogetherExploreEveryTraceOnceWhateverTheOrderTheyFinishIn) {
    for (const auto& [name, simulation] : programs_to_share()) {
        const std::set<TraceKey> expected = mazurkiewicz_traces(simulation);
        bs::DporSearch alone;
        const Counts one = explore(alone, simulation);
        for (uint32_t runners : {1u, 2u, 3u, 8u}) {
            for (uint64_t seed = 1; seed <= 25; ++seed) {
                bs::ParallelDporSearch search;
                std::vector<TraceKey> seen;
                const Counts counts = explore_in_parallel(search, simulation, runners, seed, seen);
                const std::string where = name + ", " + std::to_string(runners) + " runners, seed " + std::to_string(seed);
                std::set<TraceKey> explored(seen.begin(), seen.end());
                std::vector<TraceKey> missed;
                std::set_difference(expected.begin(), expected.end(), explored.begin(), explored.end(),
                                    std::back_inserter(missed));
                EXPECT_TRUE(missed.empty()) << where << ": " << missed.size() << " of " << expected.size()
                                            << " traces missed, such as " << (missed.empty() ? "" : describe(missed[0]));
                EXPECT_EQ(counts.complete, static_cast<int>(expected.size())) << where;
                // Branches explored in another order than one search's: a wakeup sequence
                // that comes to a state later than it would have may end sleep-blocked (at
                // most one per program here).
                EXPECT_LE(counts.blocked, one.blocked + 1) << where;
                EXPECT_EQ(counts.repeated, one.repeated) << where;
                if (runners == 1) EXPECT_EQ(counts.blocked, one.blocked) << where;
            }
        }
    }
}

TEST(ParallelDporSearch, ShardsOfSharedSearchesTogetherExploreEveryTrace) {
    for (const auto& [name, simulation] : programs_to_share()) {
        const std::set<TraceKey> expected = mazurkiewicz_traces(simulation);
        for (uint32_t count : {2u, 3u}) {
            std::set<TraceKey> covered;
            for (uint32_t index = 1; index <= count; ++index) {
                bs::ParallelDporSearch search;
                search.set_shard(index, count);
                std::vector<TraceKey> seen;
                explore_in_parallel(search, simulation, 3, index, seen);
                covered.insert(seen.begin(), seen.end());
                // No trace twice within a shard.
                EXPECT_EQ(std::set<TraceKey>(seen.begin(), seen.end()).size(), seen.size()) << name;
            }
            EXPECT_EQ(covered.size(), expected.size()) << name << ", " << count << " shards";
            EXPECT_TRUE(covered == expected) << name << ", " << count << " shards";
        }
    }
}

// Thread 1 takes its own lock 100,000 times before the store that races with thread 0's: the
// wakeup sequence that reverses the race is 200,001 steps long, and so is the tree of states.
// Both were freed by recursion, which overflowed the stack (baton crashed with SIGSEGV); the
// shared search's settling also took time quadratic in the path (over a minute here).
TEST(DporSearch, ARaceReversedAfterAHundredThousandStepsNeedsNoDeepRecursion) {
    const bs::Operation store{OpKind::AtomicStore, kHeap}, own_lock{OpKind::MutexLock, kHeap + 64},
        own_unlock{OpKind::MutexUnlock, kHeap + 64};
    std::vector<Instruction> second;
    for (int i = 0; i < 100'000; ++i) second.insert(second.end(), {own_lock, own_unlock});
    second.push_back(store);
    const Simulation simulation{{{store}, second}};
    bs::DporSearch alone;
    Counts one = explore(alone, simulation);
    EXPECT_EQ(one.complete, 2);
    EXPECT_EQ(one.blocked, 0);
    for (uint32_t runners : {1u, 2u}) {
        bs::ParallelDporSearch shared;
        std::vector<TraceKey> seen;
        Counts counts = explore_in_parallel(shared, simulation, runners, 1, seen);
        EXPECT_EQ(counts.complete, 2) << runners << " runners";
        EXPECT_EQ(counts.blocked, 0) << runners << " runners";
    }
}

TEST(DporSearch, AWakeupSequenceCoveredByABranchIsNotAdded) {
    const bs::Event w0{{0, Option::Kind::Run}, {OpKind::PlainWrite, 8}};
    const bs::Event r1{{1, Option::Kind::Run}, {OpKind::PlainRead, 8}};
    const bs::Event w2{{2, Option::Kind::Run}, {OpKind::PlainWrite, 16}};
    std::vector<bs::WakeupTree> tree;
    EXPECT_TRUE(bs::insert_wakeup_sequence(tree, {w2, r1}));
    // Thread 2's write commutes with thread 1's read: r1 alone begins like w2.r1, whose
    // leaf then covers it.
    EXPECT_FALSE(bs::insert_wakeup_sequence(tree, {r1}));
    EXPECT_TRUE(bs::weak_initial(w2, {r1}));
    // A spurious wakeup is a choice, not a step that commutes: only in the sequence is it one.
    const bs::Event wake2{{2, Option::Kind::SpuriousWakeup}, {OpKind::CondWake, 32}};
    EXPECT_FALSE(bs::weak_initial(wake2, {r1}));
    EXPECT_TRUE(bs::weak_initial(wake2, {r1, wake2}));
    EXPECT_FALSE(bs::weak_initial(w0, {r1}));  // dependent on the read
    EXPECT_FALSE(bs::weak_initial(r1, {w0, r1}));  // the write must stay first
    // Thread 2's write also commutes with all of w0.r1: the new sequence goes below it.
    EXPECT_TRUE(bs::insert_wakeup_sequence(tree, {w0, r1}));
    ASSERT_EQ(tree.size(), 1u);
    ASSERT_EQ(tree[0].children.size(), 2u);
    EXPECT_EQ(tree[0].children[1].event.choice.thread, 0u);
    EXPECT_EQ(tree[0].children[1].children.at(0).event.choice.thread, 1u);
}

TEST(PreemptionBounding, BoundZeroRunsOnlyTheSchedulesWithoutPreemption) {
    // Two threads, two independent steps each: without preemption, thread 0 first or thread
    // 1 first (the choice at the start is free); one preemption allows interleavings.
    Simulation simulation{{{{OpKind::AtomicStore, kHeap}, {OpKind::AtomicStore, kHeap + 8}},
                           {{OpKind::AtomicStore, kHeap + 16}, {OpKind::AtomicStore, kHeap + 24}}}};
    bs::PreemptionBounding zero(0);
    EXPECT_EQ(explore(zero, simulation).complete, 2);
    EXPECT_TRUE(zero.bound_hit());
    bs::PreemptionBounding unbounded(10);
    EXPECT_EQ(explore(unbounded, simulation).complete, 6);  // all C(4,2) interleavings
    EXPECT_FALSE(unbounded.bound_hit());
}

TEST(Minimize, KeepsTheFewestSwitchesThatStillFail) {
    // The failure needs thread 1 to run before thread 0's second step: one switch.
    auto reproduces = [](const std::vector<Choice>& prefix, std::string& schedule) {
        bool fails = prefix.size() >= 2 && prefix[0].thread == 0 && prefix[1].thread == 1;
        schedule = fails ? "0 1x3 0x3" : "";
        return fails;
    };
    EXPECT_EQ(bs::minimize_switches("0 1 0 1 0 1 0 1", reproduces, 10), "0 1x3 0x3");
    auto never = [](const std::vector<Choice>&, std::string&) { return false; };
    EXPECT_EQ(bs::minimize_switches("0 1 0 1", never, 10), "0 1 0 1");
}

}  // namespace
