// The cost of one user-level thread switch (baton's Fiber: registers in assembly, the thread
// pointer with wrfsbase) against glibc's swapcontext, which makes a system call (the signal
// mask) on every switch. Prints the median of several runs, in ns per switch, and the ratio.
#include <ucontext.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "runtime/fiber.h"

using baton::rt::Fiber;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kSwitches = 2'000'000;  // per run, counting both directions
constexpr int kRuns = 9;

Fiber* g_main;
Fiber* g_other;

void fiber_loop(void*) {
    for (;;) g_other->switch_to(*g_main);
}

double fiber_ns_per_switch() {
    auto start = Clock::now();
    for (int i = 0; i < kSwitches / 2; ++i) g_main->switch_to(*g_other);
    return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / kSwitches;
}

ucontext_t g_main_context, g_other_context;

void context_loop() {
    for (;;) swapcontext(&g_other_context, &g_main_context);
}

double swapcontext_ns_per_switch() {
    auto start = Clock::now();
    for (int i = 0; i < kSwitches / 2; ++i) swapcontext(&g_main_context, &g_other_context);
    return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / kSwitches;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace

int main() {
    g_main = Fiber::adopt_current();
    g_other = Fiber::create(&fiber_loop, nullptr, 1 << 20, nullptr);
    static char stack[1 << 16];
    getcontext(&g_other_context);
    g_other_context.uc_stack.ss_sp = stack;
    g_other_context.uc_stack.ss_size = sizeof stack;
    g_other_context.uc_link = nullptr;
    makecontext(&g_other_context, context_loop, 0);

    std::vector<double> fiber, context;
    for (int run = 0; run < kRuns; ++run) {  // alternating, so both see the same machine
        fiber.push_back(fiber_ns_per_switch());
        context.push_back(swapcontext_ns_per_switch());
    }
    double f = median(fiber), c = median(context);
    printf("user-level switch (one direction), median of %d runs of %d switches:\n", kRuns, kSwitches);
    printf("  baton fiber (with TLS switch): %6.1f ns\n", f);
    printf("  glibc swapcontext:             %6.1f ns\n", c);
    printf("  ratio baton/swapcontext:       %6.3f   (target: <= 50 ns per switch)\n", f / c);
    return 0;
}
