// Reader-writer locks: pthread_rwlock_*. Readers share, a writer excludes everyone. A writer's
// unlock releases into the lock's clock, which readers and writers acquire; a reader's
// unlock releases into a separate clock that only the next writer acquires (readers do not
// synchronize with each other).
#include <pthread.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "runtime/entry_points.h"
#include "runtime/oracles.h"
#include "runtime/spin_detector.h"
#include "runtime/virtual_time.h"

namespace baton::rt {
namespace {

struct RwLockObject : SyncObject {
    static constexpr SyncKind kKind = SyncKind::RwLock;
    RwLockObject() : SyncObject(kKind) {}
    ThreadId writer = kNoThread;
    std::vector<ThreadId> readers;  // one entry per read lock held (a reader may re-lock)
    VectorClock read_clock;
};

RwLockObject* find_lock(const Thread& waiter) {
    return execution().objects().find<RwLockObject>(waiter.wait.object);
}

bool available(const RwLockObject* lock, bool write) {
    return !lock || (lock->writer == kNoThread && (!write || lock->readers.empty()));
}

const WaitKind kReadWait{
    "read lock",
    [](const Thread& waiter) { return available(find_lock(waiter), false); },
    [](const Thread& waiter) {
        RwLockObject* lock = find_lock(waiter);
        return lock ? lock->writer : kNoThread;
    },
    false,
    scheduler::OpKind::ReadLock,
};

const WaitKind kWriteWait{
    "write lock",
    [](const Thread& waiter) { return available(find_lock(waiter), true); },
    [](const Thread& waiter) {
        RwLockObject* lock = find_lock(waiter);
        if (!lock) return kNoThread;
        return lock->writer != kNoThread ? lock->writer
                                         : lock->readers.empty() ? kNoThread : lock->readers.front();
    },
    false,
    scheduler::OpKind::WriteLock,
};

bool holds(const RwLockObject& lock, ThreadId thread) {
    return lock.writer == thread ||
           std::find(lock.readers.begin(), lock.readers.end(), thread) != lock.readers.end();
}

// deadline: kNoDeadline waits; 0 only tries.
int lock(uintptr_t address, bool write, uint64_t deadline, uintptr_t pc) {
    Execution& ex = execution();
    Thread& self = ex.current();
    auto& object = ex.objects().get<RwLockObject>(address);
    if (object.writer == self.id || (write && holds(object, self.id))) return EDEADLK;
    const WaitKind& kind = write ? kWriteWait : kReadWait;
    if (deadline == 0) {
        ex.yield(pc, scheduler::Operation{write ? scheduler::OpKind::WriteLock : scheduler::OpKind::ReadLock, address});
        if (!available(ex.objects().find<RwLockObject>(address), write)) {
            observe_read(self, address, 1, pc, self.op_sp);
            return EBUSY;
        }
    } else if (ex.wait(kind, address, pc, deadline) == WakeReason::Timeout) {
        return ETIMEDOUT;
    }
    auto& locked = ex.objects().get<RwLockObject>(address);
    self.clock.join(locked.clock);
    if (write) {
        self.clock.join(locked.read_clock);
        locked.writer = self.id;
    } else {
        locked.readers.push_back(self.id);
    }
    return 0;
}

int unlock(uintptr_t address, uintptr_t pc) {
    Execution& ex = execution();
    ex.yield(pc, scheduler::Operation{scheduler::OpKind::RwUnlock, address});
    Thread& self = ex.current();
    auto& object = ex.objects().get<RwLockObject>(address);
    if (object.writer == self.id) {
        object.clock.join(self.clock);
        object.writer = kNoThread;
    } else if (auto it = std::find(object.readers.begin(), object.readers.end(), self.id);
               it != object.readers.end()) {
        object.read_clock.join(self.clock);
        object.readers.erase(it);
    } else {
        ThreadId other = object.writer != kNoThread ? object.writer
                         : object.readers.empty()   ? kNoThread
                                                    : object.readers.front();
        report_lock_misuse(other == kNoThread ? "unlocks read-write lock {object}, which is not locked"
                                              : "unlocks read-write lock {object}, which thread {other} holds",
                           address, pc, other);
        return EPERM;
    }
    self.clock.tick(self.id);
    ex.notify_write(address, 1);
    return 0;
}

int destroy(uintptr_t address, uintptr_t pc) {
    auto* object = execution().objects().find<RwLockObject>(address);
    if (object && (object->writer != kNoThread || !object->readers.empty())) {
        ThreadId holder = object->writer != kNoThread ? object->writer : object->readers.front();
        report_lock_misuse("destroys read-write lock {object} while thread {other} holds it",
                           address, pc, holder);
        return EBUSY;
    }
    execution().objects().erase(address);
    return 0;
}

uint64_t timed(clockid_t clock, const timespec* abstime) {
    uint64_t deadline = deadline_at(clock, abstime);
    return deadline == 0 ? 1 : deadline;  // 0 would mean "try only"
}

uintptr_t address_of(const void* object) { return reinterpret_cast<uintptr_t>(object); }

}  // namespace
}  // namespace baton::rt

using namespace baton::rt;

extern "C" {

int pthread_rwlock_init(pthread_rwlock_t* l, const pthread_rwlockattr_t*) {
    *l = pthread_rwlock_t{};
    BATON_ENTER(0);
    execution().objects().erase(address_of(l));
    return 0;
}

int pthread_rwlock_rdlock(pthread_rwlock_t* l) {
    BATON_ENTER(0);
    return lock(address_of(l), false, kNoDeadline, BATON_CALLER_PC);
}

int pthread_rwlock_wrlock(pthread_rwlock_t* l) {
    BATON_ENTER(0);
    return lock(address_of(l), true, kNoDeadline, BATON_CALLER_PC);
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t* l) {
    BATON_ENTER(0);
    return lock(address_of(l), false, 0, BATON_CALLER_PC);
}

int pthread_rwlock_trywrlock(pthread_rwlock_t* l) {
    BATON_ENTER(0);
    return lock(address_of(l), true, 0, BATON_CALLER_PC);
}

int pthread_rwlock_timedrdlock(pthread_rwlock_t* l, const struct timespec* abstime) {
    BATON_ENTER(0);
    if (!valid_timespec(abstime)) return EINVAL;
    return lock(address_of(l), false, timed(CLOCK_REALTIME, abstime), BATON_CALLER_PC);
}

int pthread_rwlock_timedwrlock(pthread_rwlock_t* l, const struct timespec* abstime) {
    BATON_ENTER(0);
    if (!valid_timespec(abstime)) return EINVAL;
    return lock(address_of(l), true, timed(CLOCK_REALTIME, abstime), BATON_CALLER_PC);
}

int pthread_rwlock_clockrdlock(pthread_rwlock_t* l, clockid_t clock, const struct timespec* abstime) {
    BATON_ENTER(0);
    if (!valid_timespec(abstime)) return EINVAL;
    return lock(address_of(l), false, timed(clock, abstime), BATON_CALLER_PC);
}

int pthread_rwlock_clockwrlock(pthread_rwlock_t* l, clockid_t clock, const struct timespec* abstime) {
    BATON_ENTER(0);
    if (!valid_timespec(abstime)) return EINVAL;
    return lock(address_of(l), true, timed(clock, abstime), BATON_CALLER_PC);
}

int pthread_rwlock_unlock(pthread_rwlock_t* l) {
    BATON_ENTER(0);
    return unlock(address_of(l), BATON_CALLER_PC);
}

int pthread_rwlock_destroy(pthread_rwlock_t* l) {
    BATON_ENTER(0);
    return destroy(address_of(l), BATON_CALLER_PC);
}

}  // extern "C"
