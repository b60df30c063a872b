// Virtual time. The program never sleeps for real: a sleeping or timed-waiting thread waits
// for a deadline on the execution's clock, which the scheduler advances when it lets a
// deadline expire. Clocks start at fixed values so that every execution of a schedule
// prints the same times.
#pragma once

#include <time.h>

#include <cstdint>

#include "runtime/execution.h"

namespace baton::rt {

constexpr uint64_t kNanosPerSecond = 1'000'000'000;
constexpr uint64_t kRealtimeStart = 1'767'225'600 * kNanosPerSecond;  // 2026-01-01T00:00:00Z
constexpr uint64_t kMonotonicStart = 1'000 * kNanosPerSecond;
constexpr uint64_t kClockReadCost = 1'000;  // each clock read advances time by 1 us

inline uint64_t clock_start(clockid_t clock) {
    return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE || clock == CLOCK_TAI
               ? kRealtimeStart
               : kMonotonicStart;
}

inline uint64_t to_nanos(const timespec& ts) {
    if (ts.tv_sec < 0) return 0;
    return static_cast<uint64_t>(ts.tv_sec) * kNanosPerSecond + static_cast<uint64_t>(ts.tv_nsec);
}

inline timespec to_timespec(uint64_t nanos) {
    return timespec{static_cast<time_t>(nanos / kNanosPerSecond),
                    static_cast<long>(nanos % kNanosPerSecond)};
}

// The execution-clock deadline of an absolute time on `clock` (pthread_cond_timedwait...).
inline uint64_t deadline_at(clockid_t clock, const timespec* absolute) {
    uint64_t at = to_nanos(*absolute);
    uint64_t start = clock_start(clock);
    return at <= start ? 0 : at - start;
}

// The deadline `relative` from now (nanosleep, futex waits).
inline uint64_t deadline_after(const timespec* relative) {
    return execution().now() + to_nanos(*relative);
}

inline bool valid_timespec(const timespec* ts) {
    return ts && ts->tv_nsec >= 0 && ts->tv_nsec < static_cast<long>(kNanosPerSecond);
}

}  // namespace baton::rt
