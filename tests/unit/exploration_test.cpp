// The search's pieces without a program: schedules as text, plans, the guided strategy, PCT,
// DPOR and preemption bounding over a small simulated program, and schedule minimization.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "scheduler/dpor.h"
#include "scheduler/guided.h"
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

// A simulated program: each thread runs a list of operations; a MutexLock is enabled only
// while the mutex is free, a MutexUnlock frees it. Runs a strategy to the end like the
// runtime would, and returns the trace the runtime would write (with the operations of
// threads left blocked, as after a deadlock).
struct Simulation {
    std::vector<std::vector<bs::Operation>> threads;

    std::vector<Option> options_at(const std::vector<size_t>& next, const std::set<uint64_t>& held) const {
        std::vector<Option> options;
        for (uint32_t t = 0; t < threads.size(); ++t) {
            if (next[t] == threads[t].size()) continue;
            bs::Operation op = threads[t][next[t]];
            if (op.kind == OpKind::MutexLock && held.count(op.object)) continue;
            options.push_back({t, Option::Kind::Run, op});
        }
        return options;
    }

    bs::Trace run(bs::Strategy& strategy, bool& blocked) const {
        strategy.begin_execution();
        std::vector<size_t> next(threads.size(), 0);
        std::set<uint64_t> held;
        bs::Trace trace;
        uint32_t current = 0;
        blocked = false;
        for (;;) {
            std::vector<Option> options = options_at(next, held);
            if (options.empty()) {
                for (uint32_t t = 0; t < threads.size(); ++t)
                    if (next[t] < threads[t].size()) trace.pending.push_back({t, threads[t][next[t]], 0, 0});
                return trace;
            }
            size_t pick = strategy.choose(options, current, false);
            if (pick == bs::kStopSleepBlocked) {
                blocked = true;
                return trace;
            }
            const Option& chosen = options.at(pick);
            if (chosen.op.kind == OpKind::MutexLock) held.insert(chosen.op.object);
            if (chosen.op.kind == OpKind::MutexUnlock) held.erase(chosen.op.object);
            trace.steps.push_back({{chosen.thread, chosen.kind}, chosen.op, 0, {}, options});
            ++next[chosen.thread];
            current = chosen.thread;
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
// object): which thread's operation came when, object by object.
using TraceKey = std::map<uint64_t, std::vector<uint32_t>>;

TraceKey key_of(const bs::Trace& trace) {
    TraceKey key;
    for (const auto& step : trace.steps) key[step.op.object].push_back(step.choice.thread);
    return key;
}

// Every execution of the simulation, taking every option at every step: its distinct traces.
void all_traces(const Simulation& simulation, std::vector<size_t>& next, std::set<uint64_t>& held,
                bs::Trace& trace, std::set<TraceKey>& traces) {
    std::vector<Option> options = simulation.options_at(next, held);
    if (options.empty()) {
        traces.insert(key_of(trace));
        return;
    }
    for (const Option& option : options) {
        std::set<uint64_t> before = held;
        if (option.op.kind == OpKind::MutexLock) held.insert(option.op.object);
        if (option.op.kind == OpKind::MutexUnlock) held.erase(option.op.object);
        trace.steps.push_back({{option.thread, option.kind}, option.op, 0, {}, {}});
        ++next[option.thread];
        all_traces(simulation, next, held, trace, traces);
        --next[option.thread];
        trace.steps.pop_back();
        held = before;
    }
}

template <class Search>
std::pair<int, int> explore(Search& search, const Simulation& simulation,
                            std::vector<TraceKey>* seen = nullptr) {
    int complete = 0, blocked_count = 0;
    bs::Plan plan;
    while (search.next_plan(plan)) {
        bs::Guided guided(plan);
        bool blocked = false;
        bs::Trace trace = simulation.run(guided, blocked);
        (blocked ? blocked_count : complete) += 1;
        if (seen && !blocked) seen->push_back(key_of(trace));
        search.add_execution(trace);
        if (complete + blocked_count > 100000) break;
    }
    return {complete, blocked_count};
}

TEST(DporSearch, OneExecutionPerOrderOfCriticalSections) {
    int factorial = 1;
    for (int k = 1; k <= 5; ++k) {
        factorial *= k;
        bs::DporSearch search;
        auto [complete, blocked] = explore(search, workers(k, true));
        EXPECT_EQ(complete, factorial) << k << " threads";
        EXPECT_EQ(blocked, 0) << k << " threads";
    }
}

TEST(DporSearch, IndependentThreadsNeedOneExecution) {
    bs::DporSearch search;
    auto [complete, blocked] = explore(search, workers(5, false));
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
    std::vector<size_t> next(simulation.threads.size(), 0);
    std::set<uint64_t> held;
    bs::Trace scratch;
    all_traces(simulation, next, held, scratch, traces);
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
        auto [complete, blocked] = explore(search, simulation, &seen);
        EXPECT_EQ(complete, static_cast<int>(expected.size())) << name;
        EXPECT_EQ(blocked, 0) << name;
        EXPECT_EQ(std::set<TraceKey>(seen.begin(), seen.end()), expected) << name;
    }
}

TEST(DporSearch, ShardsTogetherExploreEveryTraceEachFewerThanTheWhole) {
    const std::vector<std::pair<const char*, Simulation>> programs{
        {"five threads on one mutex", workers(5, true)},
        {"three threads on two variables", mixes::three_on_two},
        {"locked and unlocked writes", mixes::locked_and_unlocked},
    };
    for (const auto& [name, simulation] : programs) {
        std::set<TraceKey> expected = mazurkiewicz_traces(simulation);
        for (uint32_t count : {2u, 3u, 5u}) {
            std::set<TraceKey> covered;
            for (uint32_t index = 1; index <= count; ++index) {
                bs::DporSearch search;
                search.set_shard(index, count);
                std::vector<TraceKey> seen;
                auto [complete, blocked] = explore(search, simulation, &seen);
                EXPECT_LT(complete, static_cast<int>(expected.size())) << name << " " << index << "/" << count;
                covered.insert(seen.begin(), seen.end());
            }
            EXPECT_EQ(covered, expected) << name << ", " << count << " shards";
        }
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
    EXPECT_EQ(explore(zero, simulation).first, 2);
    EXPECT_TRUE(zero.bound_hit());
    bs::PreemptionBounding unbounded(10);
    EXPECT_EQ(explore(unbounded, simulation).first, 6);  // all C(4,2) interleavings
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
