#include "runtime/vector_clock.h"

#include <gtest/gtest.h>

using baton::rt::VectorClock;

TEST(VectorClock, MissingComponentsAreZero) {
    VectorClock clock;
    EXPECT_EQ(clock.get(7), 0u);
    EXPECT_TRUE(clock.covers(7, 0));
    EXPECT_FALSE(clock.covers(7, 1));
}

TEST(VectorClock, TickAdvancesOneComponent) {
    VectorClock clock;
    clock.tick(2);
    clock.tick(2);
    EXPECT_EQ(clock.get(2), 2u);
    EXPECT_EQ(clock.get(0), 0u);
}

TEST(VectorClock, JoinIsPointwiseMaximum) {
    VectorClock a, b;
    a.set(0, 5);
    a.set(1, 1);
    b.set(1, 3);
    b.set(3, 2);
    a.join(b);
    EXPECT_EQ(a.get(0), 5u);
    EXPECT_EQ(a.get(1), 3u);
    EXPECT_EQ(a.get(2), 0u);
    EXPECT_EQ(a.get(3), 2u);
}

TEST(VectorClock, EpochCoverageIsHappensBefore) {
    // Thread 1 releases at its clock 4 into a lock; thread 2 acquires it.
    VectorClock thread1, thread2, lock;
    thread1.set(1, 4);
    lock.join(thread1);
    thread1.tick(1);
    thread2.join(lock);
    EXPECT_TRUE(thread2.covers(1, 4));   // thread 1's access before the release: ordered
    EXPECT_FALSE(thread2.covers(1, 5));  // its access after the release: concurrent
}

TEST(VectorClock, PrecedesOrEquals) {
    VectorClock a, b;
    a.set(0, 1);
    b.set(0, 1);
    b.set(1, 1);
    EXPECT_TRUE(a.precedes_or_equals(b));
    EXPECT_FALSE(b.precedes_or_equals(a));
}
