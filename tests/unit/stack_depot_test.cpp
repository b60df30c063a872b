#include "runtime/stack_depot.h"

#include <gtest/gtest.h>

using baton::rt::CallStack;
using baton::rt::StackDepot;

namespace {
std::vector<uintptr_t> frames_of(StackDepot& depot, uint32_t id) {
    std::vector<uintptr_t> frames;
    depot.frames(id, frames);
    return frames;
}
}  // namespace

TEST(StackDepot, SameStackSameId) {
    StackDepot depot;
    CallStack a, b;
    a.push(0x10);
    a.push(0x20);
    b.push(0x10);
    b.push(0x20);
    uint32_t id = depot.intern(a);
    EXPECT_EQ(depot.intern(b), id);
    EXPECT_EQ(frames_of(depot, id), (std::vector<uintptr_t>{0x20, 0x10}));  // innermost first
}

TEST(StackDepot, FollowsPushesAndPops) {
    StackDepot depot;
    CallStack stack;
    EXPECT_EQ(depot.intern(stack), StackDepot::kEmpty);
    stack.push(0x1);
    stack.push(0x2);
    uint32_t deep = depot.intern(stack);
    stack.pop();
    stack.push(0x3);  // a different callee at the same depth
    uint32_t other = depot.intern(stack);
    EXPECT_NE(deep, other);
    EXPECT_EQ(frames_of(depot, other), (std::vector<uintptr_t>{0x3, 0x1}));
    stack.pop();
    stack.pop();
    EXPECT_EQ(depot.intern(stack), StackDepot::kEmpty);
    stack.push(0x1);
    stack.push(0x2);
    EXPECT_EQ(depot.intern(stack), deep);
}

TEST(StackDepot, UnbalancedExitIsTolerated) {
    StackDepot depot;
    CallStack stack;
    stack.pop();
    EXPECT_EQ(stack.depth(), 0u);
    EXPECT_EQ(depot.intern(stack), StackDepot::kEmpty);
}
