// The server channel's waiter (scheduler/channel_wait.h): it returns as soon as what it
// waits for holds, gives up (so that its caller sleeps) when it never does, and adapts its
// spin to whether the core is shared.
#include "scheduler/channel_wait.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace baton::protocol {
namespace {

TEST(ChannelWait, ReturnsAtOnceWhenReady) {
    Spinner spinner;
    int checks = 0;
    EXPECT_TRUE(spinner.wait([&] { return ++checks >= 1; }));
    EXPECT_EQ(checks, 1);
}

TEST(ChannelWait, GivesUpWhenNothingComesSoThatTheCallerSleeps) {
    Spinner spinner;
    uint64_t checks = 0;
    EXPECT_FALSE(spinner.wait([&] { return ++checks == 0; }));
    // It spun, then yielded, then checked once more: a bounded number of times.
    EXPECT_GT(checks, spinner.spins());
    EXPECT_LT(checks, uint64_t{1} << 20);
}

TEST(ChannelWait, SeesWhatAnotherThreadPublishes) {
    Spinner spinner;
    std::atomic<int> flag{0};
    std::thread other([&] { flag.store(1, std::memory_order_release); });
    bool seen = false;
    for (int attempt = 0; attempt < 1000 && !seen; ++attempt)
        seen = spinner.wait([&] { return flag.load(std::memory_order_acquire) == 1; });
    other.join();
    EXPECT_TRUE(seen);
}

// A yield that returns at once: nobody else wanted the core.
void quick_yield() {}
// One that returns late: the core ran someone else meanwhile.
void slow_yield() { std::this_thread::sleep_for(std::chrono::microseconds(100)); }

// Ready on the first check after the spin and one yield.
bool ready_after_one_yield(Spinner& spinner) {
    uint32_t checks = 0, spins = spinner.spins();
    return spinner.wait([&] { return ++checks > spins + 1; });
}

TEST(ChannelWait, SpinsMoreWhenTheAnswerCameWhileYieldingAnIdleCore) {
    Spinner spinner(quick_yield);
    uint32_t before = spinner.spins();
    EXPECT_TRUE(ready_after_one_yield(spinner));
    EXPECT_EQ(spinner.spins(), before * 2);
}

TEST(ChannelWait, SpinsLessWhenItsYieldsRanSomeoneElse) {
    Spinner spinner(slow_yield);
    uint32_t before = spinner.spins();
    EXPECT_TRUE(ready_after_one_yield(spinner));
    EXPECT_EQ(spinner.spins(), before / 2);
    // And never below its floor, however often.
    for (int i = 0; i < 20; ++i) ready_after_one_yield(spinner);
    EXPECT_GT(spinner.spins(), 0u);
    EXPECT_LT(spinner.spins(), before / 8);
}

// On a busy machine every yield gives the core away for a time slice: a waiter whose answer
// never comes (the other side died) must sleep after a few of them, not after a second.
uint32_t slow_yields = 0;
void counted_slow_yield() {
    ++slow_yields;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
}

TEST(ChannelWait, StopsYieldingSoonWhenEveryYieldRunsSomeoneElse) {
    Spinner spinner(counted_slow_yield);
    slow_yields = 0;
    EXPECT_FALSE(spinner.wait([] { return false; }));
    // About a millisecond of 200-microsecond yields; without the bound, 256 of them.
    EXPECT_GE(slow_yields, 1u);
    EXPECT_LT(slow_yields, 32u);
}

}  // namespace
}  // namespace baton::protocol
