// The mutex model, shared by pthread_mutex_*, C11 mtx_* and condition variables.
//
// A mutex has an owner and a recursion depth. Locking waits until it is free; unlocking
// releases the owner's clock into the mutex, locking acquires it (happens-before). Misuse
// (unlocking a mutex one does not hold, destroying a held one) is reported and then handled
// as glibc would, so the execution goes on as it would have.
#pragma once

#include <cstdint>

#include "runtime/sync_objects.h"
#include "runtime/thread.h"

namespace baton::rt {

enum class MutexType : uint8_t { Normal, Recursive, ErrorCheck };

struct MutexObject : SyncObject {
    static constexpr SyncKind kKind = SyncKind::Mutex;
    MutexObject() : SyncObject(kKind) {}
    MutexType type = MutexType::Normal;
    ThreadId owner = kNoThread;
    uint32_t depth = 0;
    bool typed = false;  // type known (from init or from a static initializer)
};

extern const WaitKind kMutexWait;

MutexObject& mutex_object(uintptr_t address);
int mutex_init(uintptr_t address, MutexType type, uintptr_t pc);
// deadline: kNoDeadline waits for ever; 0 only tries (trylock).
int mutex_lock(uintptr_t address, uint64_t deadline, uintptr_t pc);
int mutex_unlock(uintptr_t address, uintptr_t pc);
int mutex_destroy(uintptr_t address, uintptr_t pc);

// For condition variables: give the mutex up entirely (returning the recursion depth) and
// take it back after the wait.
uint32_t mutex_release_for_wait(uintptr_t address, Thread& thread);
void mutex_reacquire_after_wait(uintptr_t address, uint32_t depth, uintptr_t pc);

}  // namespace baton::rt
