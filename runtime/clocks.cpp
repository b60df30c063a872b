// Time, on the execution's virtual clock: sleep/usleep/nanosleep/clock_nanosleep suspend the
// thread until a deadline the scheduler lets expire (never a real sleep); clock_gettime,
// gettimeofday, time and clock read the virtual clock, which every read advances by 1 us so
// that a loop waiting for time to pass terminates. sched_yield is a scheduling point.
#include <sched.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/clocks.h"
#include "runtime/entry_points.h"
#include "runtime/threads.h"
#include "runtime/virtual_time.h"

namespace baton::rt {
namespace {

const WaitKind kSleep{
    "sleep",
    [](const Thread&) { return false; },  // only its deadline ends it
    [](const Thread&) { return kNoThread; },
    false,
    scheduler::OpKind::Sleep,
};

uint64_t read_clock(clockid_t clock) {
    Execution& ex = execution();
    ex.advance_time(kClockReadCost);
    return clock_start(clock) + ex.now();
}

}  // namespace

int sleep_until(uint64_t deadline, uintptr_t pc) {
    Execution& ex = execution();
    Thread& self = ex.current();
    act_on_cancellation(self);
    if (deadline <= ex.now()) {
        ex.yield(pc, scheduler::Operation{scheduler::OpKind::Sleep, 0});
        return 0;
    }
    ex.wait(kSleep, 0, pc, deadline);
    return 0;
}

}  // namespace baton::rt

using namespace baton::rt;

extern "C" {

unsigned sleep(unsigned seconds) {
    BATON_ENTER(0);
    sleep_until(execution().now() + seconds * kNanosPerSecond, BATON_CALLER_PC);
    return 0;
}

int usleep(useconds_t microseconds) {
    BATON_ENTER(0);
    sleep_until(execution().now() + uint64_t{microseconds} * 1000, BATON_CALLER_PC);
    return 0;
}

int nanosleep(const struct timespec* request, struct timespec* remaining) {
    if (!valid_timespec(request)) {
        errno = EINVAL;
        return -1;
    }
    BATON_ENTER(0);
    sleep_until(deadline_after(request), BATON_CALLER_PC);
    if (remaining) *remaining = timespec{0, 0};
    return 0;
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec* request,
                    struct timespec* remaining) {
    if (!valid_timespec(request)) return EINVAL;
    BATON_ENTER(0);
    uint64_t deadline =
        (flags & TIMER_ABSTIME) ? deadline_at(clock, request) : deadline_after(request);
    sleep_until(deadline, BATON_CALLER_PC);
    if (remaining && !(flags & TIMER_ABSTIME)) *remaining = timespec{0, 0};
    return 0;
}

int sched_yield() {
    BATON_ENTER(0);
    execution().yield(BATON_CALLER_PC, scheduler::Operation{scheduler::OpKind::Yield, 0});
    return 0;
}

int clock_gettime(clockid_t clock, struct timespec* ts) {
    if (!g_runtime_active) {
        *ts = timespec{0, 0};
        return 0;
    }
    *ts = to_timespec(read_clock(clock));
    return 0;
}

int gettimeofday(struct timeval* tv, void*) {
    uint64_t now = g_runtime_active ? read_clock(CLOCK_REALTIME) : kRealtimeStart;
    tv->tv_sec = static_cast<time_t>(now / kNanosPerSecond);
    tv->tv_usec = static_cast<suseconds_t>((now % kNanosPerSecond) / 1000);
    return 0;
}

time_t time(time_t* out) {
    uint64_t now = g_runtime_active ? read_clock(CLOCK_REALTIME) : kRealtimeStart;
    auto seconds = static_cast<time_t>(now / kNanosPerSecond);
    if (out) *out = seconds;
    return seconds;
}

clock_t clock() {
    if (!g_runtime_active) return 0;
    uint64_t elapsed = read_clock(CLOCK_PROCESS_CPUTIME_ID) - kMonotonicStart;
    return static_cast<clock_t>(elapsed / (kNanosPerSecond / CLOCKS_PER_SEC));
}

int timespec_get(struct timespec* ts, int base) {
    if (base != TIME_UTC) return 0;
    clock_gettime(CLOCK_REALTIME, ts);
    return base;
}

}  // extern "C"
