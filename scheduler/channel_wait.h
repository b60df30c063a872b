// How each side of the server channel (protocol.h: ServerChannel) waits for the other.
//
// An execution of a small program takes tens of microseconds, and so does the parent's
// choice of the next one: sleeping on every hand-over costs a system call on each side and
// two context switches, which under a hypervisor cost more than the execution. So a waiter
// first spins; when the two processes share a core, spinning only delays the one it waits
// for, so it then yields the core; only then does it sleep. The spin adapts: a wait that
// was answered while yielding, with the core given away (a yield that took long), halves
// it; one answered while yielding with nobody else to run doubles it. Yielding lasts about
// a millisecond at most: on a busy machine each yield gives the core away for a whole time
// slice, and a few hundred of them (for a side that has died, say) would take a second.
//
// Used by the runtime too, so it calls neither libc's sched_yield nor its clocks (the
// runtime interposes both): raw system calls and the time-stamp counter.
#pragma once

#include <x86intrin.h>

#include <cstdint>

#include <sys/syscall.h>

namespace baton::protocol {

inline void raw_sched_yield() {
    long result;
    asm volatile("syscall" : "=a"(result) : "a"(SYS_sched_yield) : "rcx", "r11", "memory");
}

class Spinner {
public:
    // `yield` gives the core away (tests pass their own).
    explicit Spinner(void (*yield)() = raw_sched_yield) : yield_(yield) {}

    // Waits until `ready()` holds. Returns false when the caller should sleep instead.
    template <class Ready>
    bool wait(Ready ready) {
        for (uint32_t i = 0; i < spins_; ++i) {
            if (ready()) return true;
            _mm_pause();
        }
        bool core_given_away = false;
        const uint64_t yielding_since = __rdtsc();
        for (uint32_t i = 0; i < kYields && __rdtsc() - yielding_since < kYieldingCycles; ++i) {
            if (ready()) {
                adapt(core_given_away);
                return true;
            }
            uint64_t before = __rdtsc();
            yield_();
            core_given_away |= __rdtsc() - before > kLongYieldCycles;
        }
        if (ready()) return adapt(core_given_away), true;
        return false;
    }

    uint32_t spins() const { return spins_; }

private:
    static constexpr uint32_t kMinSpins = 16;
    static constexpr uint32_t kMaxSpins = 1 << 14;  // a few hundred microseconds of pause
    static constexpr uint32_t kYields = 256;
    // A yield that returned after this long ran someone else (~10 µs at 2-3 GHz).
    static constexpr uint64_t kLongYieldCycles = 25'000;
    // The longest the yields may go on (~1 ms); 256 yields on an idle core take far less.
    static constexpr uint64_t kYieldingCycles = 2'500'000;

    void adapt(bool core_given_away) {
        if (core_given_away) spins_ = spins_ / 2 < kMinSpins ? kMinSpins : spins_ / 2;
        else spins_ = spins_ * 2 > kMaxSpins ? kMaxSpins : spins_ * 2;
    }

    void (*yield_)();
    uint32_t spins_ = 1024;
};

}  // namespace baton::protocol
