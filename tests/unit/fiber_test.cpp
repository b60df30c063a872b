// The user-level thread switch: control moves between fibers and back, each fiber has its
// own stack and its own thread-local storage (errno included), and a stack array as big as
// glibc's default stack allows works.
#include "runtime/fiber.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <vector>

using baton::rt::Fiber;

namespace {

thread_local int per_thread = 0;

struct PingPong {
    Fiber* main = nullptr;
    Fiber* other = nullptr;
    std::vector<int> trace;
    int tls_seen = -1;
    int errno_seen = -1;
};

void ping_pong_entry(void* arg) {
    auto* state = static_cast<PingPong*>(arg);
    state->trace.push_back(2);
    per_thread = 42;
    errno = EAGAIN;
    state->other->switch_to(*state->main);
    state->trace.push_back(4);
    state->tls_seen = per_thread;
    state->errno_seen = errno;
    state->other->switch_to(*state->main);
    ADD_FAILURE() << "a finished fiber was resumed";
}

void big_frame_entry(void* arg) {
    auto* state = static_cast<PingPong*>(arg);
    char big[6 << 20];  // 6 MiB on an 8 MiB stack
    memset(big, 7, sizeof big);
    state->trace.push_back(big[sizeof big - 1]);
    state->other->switch_to(*state->main);
}

}  // namespace

TEST(Fiber, SwitchesBackAndForthWithOwnTls) {
    PingPong state;
    state.main = Fiber::adopt_current();
    state.other = Fiber::create(&ping_pong_entry, &state, 8 << 20, nullptr);
    ASSERT_NE(state.other, nullptr);
    per_thread = 1;
    errno = 0;
    state.trace.push_back(1);
    state.main->switch_to(*state.other);
    state.trace.push_back(3);
    EXPECT_EQ(per_thread, 1);  // the other fiber's write went to its own copy
    EXPECT_EQ(errno, 0);
    state.main->switch_to(*state.other);
    EXPECT_EQ(state.trace, (std::vector<int>{1, 2, 3, 4}));
    EXPECT_EQ(state.tls_seen, 42);
    EXPECT_EQ(state.errno_seen, EAGAIN);
    Fiber::destroy(state.other);
}

TEST(Fiber, StackHasGuardPageAndDefaultSize) {
    PingPong state;
    state.main = Fiber::adopt_current();
    state.other = Fiber::create(&big_frame_entry, &state, 8 << 20, nullptr);
    ASSERT_NE(state.other, nullptr);
    EXPECT_GE(state.other->stack_high() - state.other->stack_low(), size_t{8} << 20);
    EXPECT_TRUE(state.other->in_guard_page(state.other->stack_low() - 1));
    EXPECT_FALSE(state.other->in_guard_page(state.other->stack_low()));
    state.main->switch_to(*state.other);
    EXPECT_EQ(state.trace, (std::vector<int>{7}));
    Fiber::destroy(state.other);
}
