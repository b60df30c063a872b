// The story of a finding (report/story.h) told from hand-built traces: which steps are kept
// and what the one sentence says.
#include <gtest/gtest.h>

#include "report/story.h"

namespace {

using baton::report::Story;
using baton::report::TraceNames;
using baton::scheduler::OpKind;
using baton::scheduler::Option;
using baton::scheduler::Trace;
using baton::scheduler::TraceStep;

constexpr uint64_t kCounter = 0x101000, kA = 0x102000, kB = 0x103000, kCond = 0x104000, kFlag = 0x105000;

TraceNames names() {
    return {[](uint64_t address) {
                switch (address & ~uint64_t{7}) {
                case kCounter: return std::string("counter");
                case kA: return std::string("a");
                case kB: return std::string("b");
                case kCond: return std::string("cond");
                case kFlag: return std::string("flag");
                }
                return std::string("?");
            },
            [](uint64_t pc) { return baton::report::SourceLocation{"t.c", static_cast<int>(pc), 0, "f"}; }};
}

void add(Trace& trace, uint32_t thread, OpKind kind, uint64_t object, uint64_t line,
         std::optional<uint64_t> value = std::nullopt) {
    TraceStep step;
    step.choice = {thread, Option::Kind::Run};
    step.op = {kind, object};
    step.pc = line;
    step.value = value;
    trace.steps.push_back(step);
}

TEST(Story, LostUpdateNamesTheValuesAndCountsTheLostIncrements) {
    Trace trace;
    add(trace, 0, OpKind::ThreadCreate, 2, 20);
    add(trace, 1, OpKind::Start, 2, 0);
    add(trace, 1, OpKind::PlainWrite, kCounter, 13, 27);  // thread 1 wrote 27 and reloads it
    for (uint64_t value = 28; value <= 48; ++value) add(trace, 2, OpKind::PlainWrite, kCounter, 13, value);
    add(trace, 1, OpKind::PlainWrite, kCounter, 13, 28);  // the stale store
    nlohmann::json record = {{"kind", "data-race"}, {"address", kCounter}, {"size", 4}};
    Story story = baton::report::tell_story(record, trace, names());
    EXPECT_EQ(story.summary, "thread 1's write of 28 to 'counter' overwrote thread 2's 48: 21 increments were lost");
    ASSERT_EQ(story.steps.size(), 4u);
    EXPECT_EQ(story.steps[0].index, 3u);
    EXPECT_EQ(story.steps[0].value, 27);
    EXPECT_EQ(story.steps[1].thread, 2);  // the preemption: thread 2 runs
    EXPECT_NE(story.steps[1].note.find("preempted"), std::string::npos);
    EXPECT_EQ(story.steps[2].value, 48);
    EXPECT_EQ(story.steps[3].thread, 1);
    EXPECT_EQ(story.steps[3].value, 28);
    EXPECT_EQ(story.steps[3].target, "counter");
    EXPECT_EQ(story.steps[3].location.line, 13);
}

TEST(Story, ARaceWithoutALostUpdateSaysTheOrderIsLeftToTheSchedule) {
    Trace trace;
    add(trace, 2, OpKind::PlainWrite, kFlag, 40, 1);
    add(trace, 1, OpKind::PlainRead, kFlag, 22, 1);
    nlohmann::json record = {{"kind", "data-race"}, {"address", kFlag}, {"size", 4},
                             {"current", {{"thread", 1}, {"write", false}, {"value", 1}}},
                             {"previous", {{"thread", 2}, {"write", true}, {"value", 1}}}};
    Story story = baton::report::tell_story(record, trace, names());
    EXPECT_EQ(story.steps.size(), 2u);
    EXPECT_EQ(story.summary, "thread 2 wrote 'flag' = 1 and thread 1 read 'flag' = 1 with nothing ordering the two "
                             "accesses: which comes first, and so the result, depends on the schedule");
}

TEST(Story, DeadlockTellsWhoHoldsWhatAndWhatEachWaitsFor) {
    Trace trace;
    add(trace, 1, OpKind::MutexLock, kA, 13);
    add(trace, 1, OpKind::Yield, 0, 13);
    add(trace, 2, OpKind::MutexLock, kB, 23);
    add(trace, 2, OpKind::AtomicLoad, kFlag, 24, 0);  // unrelated: left out
    trace.pending.push_back({1, {OpKind::MutexLock, kB}, 14});
    trace.pending.push_back({2, {OpKind::MutexLock, kA}, 24});
    nlohmann::json record = {
        {"kind", "deadlock"},
        {"threads",
         {{{"thread", 1}, {"state", "waiting"}, {"waits_for", "mutex"}, {"object", kB}, {"holder", 2}},
          {{"thread", 2}, {"state", "waiting"}, {"waits_for", "mutex"}, {"object", kA}, {"holder", 1}}}}};
    Story story = baton::report::tell_story(record, trace, names());
    EXPECT_EQ(story.summary, "thread 1 holds 'a' and waits for mutex 'b', held by thread 2; thread 2 holds 'b' and "
                             "waits for mutex 'a', held by thread 1: no thread can go on");
    ASSERT_EQ(story.steps.size(), 4u);
    EXPECT_EQ(story.steps[0].index, 1u);
    EXPECT_EQ(story.steps[1].index, 3u);
    EXPECT_EQ(story.steps[2].index, 0u);  // the waits never complete
    EXPECT_EQ(story.steps[2].location.line, 14);
    EXPECT_EQ(story.steps[3].target, "a");
}

TEST(Story, LostWakeupPointsAtTheSignalBeforeTheWait) {
    Trace trace;
    add(trace, 2, OpKind::CondSignal, kCond, 24);
    add(trace, 1, OpKind::MutexLock, kA, 14);
    add(trace, 1, OpKind::CondWait, kCond, 15);
    add(trace, 1, OpKind::MutexUnlock, kA, 15);  // the wait's release
    trace.pending.push_back({1, {OpKind::CondWake, kCond}, 15});
    nlohmann::json record = {
        {"kind", "deadlock"},
        {"threads", {{{"thread", 1}, {"state", "waiting"}, {"waits_for", "condition variable"}, {"object", kCond}}}}};
    Story story = baton::report::tell_story(record, trace, names());
    // The wait released 'a': it is not reported as held.
    EXPECT_EQ(story.summary, "thread 1 waits on condition variable 'cond', but thread 2 signalled it at step 1, "
                             "before the wait began at step 3: the wakeup was lost: no thread can go on");
    ASSERT_GE(story.steps.size(), 2u);
    EXPECT_EQ(story.steps[0].op, "cond-signal");
    EXPECT_EQ(story.steps[0].note, "a signal nobody waits for: it is lost");
}

// Two consumers and a producer on one condition variable: the producer's signal wakes the
// first consumer; the producer then waits for the slot to empty; the consumer's signal wakes
// the other consumer, the oldest waiter, not the producer. Nobody is left to signal.
TEST(Story, ASignalThatWokeAnotherWaiterIsNamed) {
    Trace trace;
    for (uint32_t consumer : {2u, 3u}) {
        add(trace, consumer, OpKind::MutexLock, kA, 17);
        add(trace, consumer, OpKind::CondWait, kCond, 18);
        add(trace, consumer, OpKind::MutexUnlock, kA, 18);
    }
    add(trace, 1, OpKind::MutexLock, kA, 7);
    add(trace, 1, OpKind::CondSignal, kCond, 11);  // step 8: wakes thread 2
    add(trace, 1, OpKind::CondWait, kCond, 8);     // step 9
    add(trace, 1, OpKind::MutexUnlock, kA, 8);
    add(trace, 2, OpKind::CondWake, kCond, 18);
    add(trace, 2, OpKind::MutexLock, kA, 18);
    add(trace, 2, OpKind::CondSignal, kCond, 20);  // step 13: wakes thread 3, not thread 1
    add(trace, 2, OpKind::MutexUnlock, kA, 21);
    add(trace, 3, OpKind::CondWake, kCond, 18);
    add(trace, 3, OpKind::MutexLock, kA, 18);
    add(trace, 3, OpKind::CondWait, kCond, 18);
    add(trace, 3, OpKind::MutexUnlock, kA, 18);
    for (uint32_t waiter : {1u, 3u}) trace.pending.push_back({waiter, {OpKind::CondWake, kCond}, 18});
    nlohmann::json waiting = {{"state", "waiting"}, {"waits_for", "condition variable"}, {"object", kCond}};
    nlohmann::json one = waiting, three = waiting;
    one["thread"] = 1, three["thread"] = 3;
    nlohmann::json record = {{"kind", "deadlock"}, {"threads", {one, three}}};
    Story story = baton::report::tell_story(record, trace, names());
    EXPECT_EQ(story.summary,
              "thread 1 waits on condition variable 'cond', but the signal of thread 2 at step 13 woke thread 3 "
              "instead (a signal wakes only one waiter), and no thread is left to signal; thread 3 waits on "
              "condition variable 'cond', which no thread is left to signal: no thread can go on");
    bool named = false;
    for (const auto& step : story.steps) named |= step.index == 13 && step.note == "wakes thread 3";
    EXPECT_TRUE(named);
}

TEST(Story, LivelockShowsTheSpinAndTheLastWrite) {
    Trace trace;
    add(trace, 2, OpKind::AtomicStore, kFlag, 30, 0);
    add(trace, 1, OpKind::AtomicLoad, kFlag, 12, 0);
    add(trace, 1, OpKind::AtomicLoad, kFlag, 12, 0);
    trace.pending.push_back({1, {OpKind::BusyWait, kFlag}, 12});
    nlohmann::json record = {
        {"kind", "livelock"},
        {"threads",
         {{{"thread", 1}, {"state", "spinning"}, {"reads", {{{"address", kFlag}, {"value", 0}, {"size", 4}}}}}}}};
    Story story = baton::report::tell_story(record, trace, names());
    EXPECT_EQ(story.summary, "thread 1 spins re-reading 'flag' (= 0), which no thread left will ever write: "
                             "no thread makes progress");
    ASSERT_EQ(story.steps.size(), 4u);
    EXPECT_EQ(story.steps[0].op, "atomic-store");
    EXPECT_EQ(story.steps[3].op, "busy-wait");
}

TEST(Story, AssertionFailureEndsWithTheFailingStep) {
    Trace trace;
    add(trace, 1, OpKind::MutexLock, kA, 10);
    add(trace, 2, OpKind::PlainWrite, kCounter, 20, 5);
    nlohmann::json record = {{"kind", "assertion-failure"}, {"thread", 1}, {"message", "x == 2 failed"},
                             {"stack", {33}}};
    Story story = baton::report::tell_story(record, trace, names());
    ASSERT_EQ(story.steps.size(), 3u);
    EXPECT_EQ(story.steps[2].op, "assert");
    EXPECT_EQ(story.steps[2].location.line, 33);
    EXPECT_EQ(story.summary, "thread 1 fails its assertion here after thread 2's write of 'counter' at step 2");
}

// A hang: the running thread's last steps repeat (load the flag, count a poll); nobody else
// writes the flag during the loop, so the story names it and its value.
TEST(Story, HangNamesTheLoopAndWhatNobodyChanges) {
    Trace trace;
    add(trace, 0, OpKind::AtomicStore, kFlag, 30, 0);
    add(trace, 0, OpKind::ThreadJoin, 2, 31);
    for (int turn = 0; turn < 5; ++turn) {
        add(trace, 1, OpKind::AtomicLoad, kFlag, 12, 0);
        add(trace, 1, OpKind::AtomicRmw, kCounter, 12, turn + 1);
    }
    nlohmann::json record = {{"kind", "nontermination"}, {"thread", 1}, {"message", "ran out of time"},
                             {"stack", {12}}};
    Story story = baton::report::tell_story(record, trace, names());
    EXPECT_EQ(story.summary, "thread 1 loops at t.c:12 from step 3 on, re-reading 'flag' (= 0), which no other "
                             "thread writes while it loops: the loop waits for a change nobody will make");
    ASSERT_GE(story.steps.size(), 4u);
    EXPECT_EQ(story.steps.front().op, "atomic-store");  // the last write before the loop
    EXPECT_NE(story.steps[1].note.find("loop begins: the same 2 steps, 5 times over"), std::string::npos)
        << story.steps[1].note;
    EXPECT_EQ(story.steps.back().op, "running");
    EXPECT_EQ(story.steps.back().location.line, 12);
}

// The flag the loop reads changes under it: the execution was going somewhere.
TEST(Story, HangWhoseLoopSeesChangesSaysItWasMakingProgress) {
    Trace trace;
    for (int turn = 0; turn < 4; ++turn) {
        add(trace, 1, OpKind::AtomicLoad, kFlag, 12, turn);
        add(trace, 2, OpKind::AtomicStore, kFlag, 40, turn + 1);
    }
    nlohmann::json record = {{"kind", "nontermination"}, {"thread", 1}, {"stack", {12}}};
    Story story = baton::report::tell_story(record, trace, names());
    EXPECT_NE(story.summary.find("other threads still change 'flag': the execution was making progress"),
              std::string::npos)
        << story.summary;
}

// A spin the runtime parks and other threads' writes wake (strict alternation run out of
// time): its busy-wait steps read what it spins on, which others change.
TEST(Story, HangOfAParkedSpinThatOthersWakeWasMakingProgress) {
    Trace trace;
    // The writes that woke it are not steps: the flag was not yet found racy.
    for (int turn = 0; turn < 3; ++turn) {
        add(trace, 1, OpKind::BusyWait, kFlag, 15);
        add(trace, 2, OpKind::AtomicRmw, kCounter, 26, turn);
    }
    nlohmann::json record = {{"kind", "nontermination"}, {"thread", 1}, {"stack", {15}}};
    Story story = baton::report::tell_story(record, trace, names());
    EXPECT_EQ(story.summary, "thread 1 loops at t.c:15 from step 1 on; other threads still change 'flag': the "
                             "execution was making progress when the limit ran out (a longer --time-limit may let "
                             "it end)");
}

// No visible step after the thread's start: a loop on its own state.
TEST(Story, HangWithoutVisibleStepsSaysTheLoopTouchesNothingShared) {
    Trace trace;
    add(trace, 0, OpKind::ThreadCreate, 2, 15);
    add(trace, 0, OpKind::ThreadJoin, 2, 16);
    add(trace, 1, OpKind::Start, 2, 0);
    nlohmann::json record = {{"kind", "nontermination"}, {"thread", 1}, {"message", "ran out of time"},
                             {"stack", {10}}};
    Story story = baton::report::tell_story(record, trace, names());
    EXPECT_EQ(story.summary, "after its step 3 (the start) thread 1 reached no visible operation (synchronization, "
                             "an atomic, a racy access): it loops at t.c:10 on its own state and did not end within "
                             "the limit");
    EXPECT_EQ(story.steps.back().op, "running");
    EXPECT_EQ(story.steps.back().location.line, 10);
}

}  // namespace
