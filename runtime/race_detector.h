// Happens-before race detection on every instrumented access.
//
// Each granule keeps up to four access records (thread, epoch, bytes, read/write, atomic).
// An access races with a record when the bytes overlap, at least one is a write, not both
// are atomic, and the record's epoch is not covered by the accessing thread's vector clock.
// A record is replaced when the new access subsumes it (same thread, or ordered after it
// and covering its bytes with at least its strength), so precision is lost only when four
// concurrent, unordered accesses to one granule are already recorded.
//
// Each race is reported once. Afterwards the racy bytes are treated as if they were
// sequentially consistent atomics (writes release, reads acquire): the report shows the
// root cause, and what only follows from it (strict alternation's `mails` once `turn` races)
// is not reported again as if it were a second bug.
#pragma once

#include <cstdint>

#include "runtime/thread.h"

namespace baton::rt {

enum AccessFlags : uint8_t { kAccessRead = 0, kAccessWrite = 1, kAccessAtomic = 2 };

// Checks and records an access of `size` bytes (any size, any alignment) by `thread`.
void check_access(Thread& thread, uintptr_t address, size_t size, uint8_t flags, uintptr_t pc);

// Completes the thread's last write: its value (now in memory) goes into its shadow record
// and into the race report that was waiting for it.
void finish_pending_write_slow(Thread& thread);
inline void finish_pending_write(Thread& thread) {
    if (thread.pending_write.value_slot || thread.pending_write.report_race || thread.pending_write.trace_value)
        finish_pending_write_slow(thread);
}

// Reads `size` (<= 8) bytes at `address` as an unsigned integer (little endian).
uint64_t load_value(uintptr_t address, size_t size);

}  // namespace baton::rt
