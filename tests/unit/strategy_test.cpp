#include <gtest/gtest.h>

#include <vector>

#include "scheduler/non_preemptive.h"
#include "scheduler/random_walk.h"
#include "scheduler/strategy.h"

using baton::scheduler::NonPreemptive;
using baton::scheduler::Option;
using baton::scheduler::RandomWalk;
using Kind = baton::scheduler::Option::Kind;

TEST(NonPreemptive, KeepsTheCurrentThread) {
    NonPreemptive strategy;
    std::vector<Option> options{{0, Kind::Run}, {1, Kind::Run}, {2, Kind::Run}};
    EXPECT_EQ(strategy.choose(options, 1, false), 1u);
}

TEST(NonPreemptive, RoundRobinWhenTheCurrentCannotRun) {
    NonPreemptive strategy;
    std::vector<Option> options{{0, Kind::Run}, {2, Kind::Run}};
    EXPECT_EQ(options[strategy.choose(options, 1, false)].thread, 2u);
    EXPECT_EQ(options[strategy.choose(options, 2, true)].thread, 0u);  // spinning: move on
}

TEST(NonPreemptive, EarliestTimeoutWhenNobodyCanRun) {
    NonPreemptive strategy;
    std::vector<Option> options{{3, Kind::Timeout}, {1, Kind::Timeout}, {2, Kind::SpuriousWakeup}};
    EXPECT_EQ(strategy.choose(options, 0, false), 0u);  // the first timeout is the earliest
}

TEST(RandomWalk, SameSeedSameChoices) {
    std::vector<Option> options{{0, Kind::Run}, {1, Kind::Run}, {2, Kind::Run}, {3, Kind::Timeout}};
    RandomWalk a(7), b(7), c(8);
    std::vector<size_t> picks_a, picks_b, picks_c;
    for (int i = 0; i < 64; ++i) {
        picks_a.push_back(a.choose(options, 0, false));
        picks_b.push_back(b.choose(options, 0, false));
        picks_c.push_back(c.choose(options, 0, false));
    }
    EXPECT_EQ(picks_a, picks_b);
    EXPECT_NE(picks_a, picks_c);
    a.begin_execution();  // a new execution restarts the sequence
    for (int i = 0; i < 64; ++i) EXPECT_EQ(a.choose(options, 0, false), picks_b[i]);
}

TEST(RandomWalk, MostlyRunsAndEveryOptionIsReachable) {
    std::vector<Option> options{{0, Kind::Run}, {1, Kind::Run}, {2, Kind::SpuriousWakeup}};
    RandomWalk strategy(1);
    std::vector<int> counts(3);
    for (int i = 0; i < 6400; ++i) ++counts[strategy.choose(options, 0, false)];
    EXPECT_GT(counts[0], 2500);
    EXPECT_GT(counts[1], 2500);
    EXPECT_GT(counts[2], 50);   // about 1 in 32
    EXPECT_LT(counts[2], 400);
}

TEST(RandomWalk, TimePassesWhenNobodyCanRun) {
    std::vector<Option> options{{1, Kind::Timeout}, {2, Kind::SpuriousWakeup}};
    RandomWalk strategy(3);
    int timeouts = 0;
    for (int i = 0; i < 1000; ++i) timeouts += strategy.choose(options, 0, false) == 0;
    EXPECT_GT(timeouts, 900);
}

TEST(MakeStrategy, RejectsUnknownNames) {
    std::string error;
    EXPECT_NE(baton::scheduler::make_strategy({.name = "default"}, error), nullptr);
    EXPECT_NE(baton::scheduler::make_strategy({.name = "random", .seed = 5}, error), nullptr);
    EXPECT_EQ(baton::scheduler::make_strategy({.name = "dfs"}, error), nullptr);
    EXPECT_NE(error.find("dfs"), std::string::npos);
}
