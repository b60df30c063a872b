// Busy-wait detection. A thread that keeps reading shared memory without writing any is
// suspected of spinning; while suspected, each of its reads hashes the thread's whole state
// that the program can see at that point: the pc, the location and value read, and its stack
// from the caller's frame to the top (at -O0, all of its locals). Memory the thread did not
// write cannot change while it runs (nothing else runs), so the same state seen twice
// means the thread is in a loop that will never end on its own: it is parked until another
// thread writes a location it read. When every thread is parked or blocked, that is a
// livelock (runtime/progress_oracle.cpp), found without any timeout.
//
// Suspicion starts after kSpinThreshold reads without a write, and backs off (doubling)
// when a window of reads shows no repeated state, so loops that only read are cheap.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/thread.h"

namespace baton::rt {

constexpr uint32_t kSpinThreshold = 4;

// Returns true if the thread was parked (and has been woken since): memory may have changed.
bool suspect_spin(Thread& thread, uintptr_t address, size_t size, uintptr_t pc,
                  uintptr_t caller_sp);

// A read of shared state that changes nothing: a plain or atomic load, a failed trylock.
// Returns true if the thread was parked as a busy-wait and another thread has since written
// what it read: a plain read must then be checked again, since the load that follows the
// instrumentation callback will see the new value.
inline bool observe_read(Thread& thread, uintptr_t address, size_t size, uintptr_t pc,
                         uintptr_t caller_sp) {
    if (++thread.reads_since_progress < thread.spin_threshold) return false;
    return suspect_spin(thread, address, size, pc, caller_sp);
}

// The thread changed shared state: it is not spinning, nor back in a wait it woke from
// spuriously with nothing changed.
inline void observe_progress(Thread& thread) {
    thread.reads_since_progress = 0;
    thread.spurious_from = 0;
    if (!thread.spin_states.empty()) {
        thread.spin_states.clear();
        thread.spin_reads.clear();
    }
}

}  // namespace baton::rt
