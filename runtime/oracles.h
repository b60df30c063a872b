// Findings the primitives report as they happen (as opposed to races, found on accesses,
// and deadlocks, found when nobody can run): lock misuse and immediate self-deadlock.
#pragma once

#include <cstdint>

#include "runtime/vector_clock.h"

namespace baton::rt {

// A misuse of a synchronization object by the current thread, at `pc`. `message` is a
// sentence fragment such as "unlocks mutex %s held by thread %u"; the parent substitutes the
// object's name for the "{object}" placeholder. `other` names a second thread, if any.
void report_lock_misuse(const char* message, uintptr_t object, uintptr_t pc,
                        ThreadId other = kNoThread);

// The current thread waits for something only it could provide (relocking a mutex it
// holds): a deadlock now, whatever the other threads do. Ends the execution.
[[noreturn]] void report_self_deadlock(const char* message, uintptr_t object, uintptr_t pc);

}  // namespace baton::rt
