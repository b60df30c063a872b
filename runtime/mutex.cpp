#include "runtime/mutex.h"

#include <pthread.h>

#include <cerrno>

#include "runtime/entry_points.h"
#include "runtime/oracles.h"
#include "runtime/spin_detector.h"
#include "runtime/virtual_time.h"

namespace baton::rt {

const WaitKind kMutexWait{
    "mutex",
    [](const Thread& waiter) {
        auto* mutex = execution().objects().find<MutexObject>(waiter.wait.object);
        return !mutex || mutex->owner == kNoThread;
    },
    [](const Thread& waiter) {
        auto* mutex = execution().objects().find<MutexObject>(waiter.wait.object);
        return mutex ? mutex->owner : kNoThread;
    },
    false,
    scheduler::OpKind::MutexLock,
};

namespace {

// glibc's static initializers (PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP, ...) store the type
// in pthread_mutex_t::__data.__kind; the low bits are the type.
MutexType static_initializer_type(uintptr_t address) {
    int kind = reinterpret_cast<const pthread_mutex_t*>(address)->__data.__kind & 3;
    if (kind == PTHREAD_MUTEX_RECURSIVE) return MutexType::Recursive;
    if (kind == PTHREAD_MUTEX_ERRORCHECK) return MutexType::ErrorCheck;
    return MutexType::Normal;
}

void acquire(MutexObject& mutex, Thread& thread) {
    mutex.owner = thread.id;
    mutex.depth = 1;
    thread.clock.join(mutex.clock);
}

void release(MutexObject& mutex, Thread& thread, uintptr_t address) {
    mutex.clock.join(thread.clock);
    thread.clock.tick(thread.id);
    mutex.owner = kNoThread;
    mutex.depth = 0;
    execution().notify_write(address, 1);  // a thread spinning on trylock may go on
}

}  // namespace

MutexObject& mutex_object(uintptr_t address) {
    auto& mutex = execution().objects().get<MutexObject>(address);
    if (!mutex.typed) {
        mutex.type = static_initializer_type(address);
        mutex.typed = true;
    }
    return mutex;
}

int mutex_init(uintptr_t address, MutexType type, uintptr_t pc) {
    auto* existing = execution().objects().find<MutexObject>(address);
    if (existing && existing->owner != kNoThread)
        report_lock_misuse("initializes mutex {object} while thread {other} holds it", address, pc,
                           existing->owner);
    execution().objects().erase(address);
    auto& mutex = execution().objects().get<MutexObject>(address);
    mutex.type = type;
    mutex.typed = true;
    return 0;
}

int mutex_lock(uintptr_t address, uint64_t deadline, uintptr_t pc) {
    Execution& ex = execution();
    Thread& thread = ex.current();
    MutexObject* mutex = &mutex_object(address);
    if (mutex->owner == thread.id) {
        if (mutex->type == MutexType::Recursive) {
            ex.yield(pc, scheduler::Operation{scheduler::OpKind::MutexLock, address});
            ++mutex_object(address).depth;
            return 0;
        }
        if (deadline == 0) return EBUSY;
        if (mutex->type == MutexType::ErrorCheck) return EDEADLK;
        report_self_deadlock("locks mutex {object}, which it already holds", address, pc);
    }
    if (deadline == 0) {  // trylock: a scheduling point, then an attempt
        ex.yield(pc, scheduler::Operation{scheduler::OpKind::MutexTryLock, address});
        mutex = &mutex_object(address);
        Thread& self = ex.current();
        if (mutex->owner != kNoThread) {
            observe_read(self, address, 1, pc, self.op_sp);
            return EBUSY;
        }
        acquire(*mutex, self);
        return 0;
    }
    WakeReason reason = ex.wait(kMutexWait, address, pc, deadline);
    if (reason == WakeReason::Timeout) return ETIMEDOUT;
    acquire(mutex_object(address), ex.current());
    return 0;
}

int mutex_unlock(uintptr_t address, uintptr_t pc) {
    Execution& ex = execution();
    ex.yield(pc, scheduler::Operation{scheduler::OpKind::MutexUnlock, address});
    Thread& thread = ex.current();
    MutexObject& mutex = mutex_object(address);
    if (mutex.owner == kNoThread) {
        report_lock_misuse("unlocks mutex {object}, which is not locked", address, pc);
        return mutex.type == MutexType::Normal ? 0 : EPERM;
    }
    if (mutex.owner != thread.id) {
        report_lock_misuse("unlocks mutex {object}, which thread {other} holds", address, pc,
                           mutex.owner);
        if (mutex.type != MutexType::Normal) return EPERM;
        // glibc unlocks a normal mutex whoever asks: so does the model.
    } else if (mutex.type == MutexType::Recursive && --mutex.depth > 0) {
        return 0;
    }
    release(mutex, thread, address);
    return 0;
}

int mutex_destroy(uintptr_t address, uintptr_t pc) {
    auto* mutex = execution().objects().find<MutexObject>(address);
    if (mutex && mutex->owner != kNoThread) {
        report_lock_misuse("destroys mutex {object} while thread {other} holds it", address, pc,
                           mutex->owner);
        return EBUSY;
    }
    execution().objects().erase(address);
    return 0;
}

uint32_t mutex_release_for_wait(uintptr_t address, Thread& thread) {
    MutexObject& mutex = mutex_object(address);
    uint32_t depth = mutex.depth;
    release(mutex, thread, address);
    return depth;
}

void mutex_reacquire_after_wait(uintptr_t address, uint32_t depth, uintptr_t pc) {
    Execution& ex = execution();
    ex.wait(kMutexWait, address, pc);  // a step of its own, even when the mutex is free
    MutexObject& mutex = mutex_object(address);
    acquire(mutex, ex.current());
    mutex.depth = depth > 0 ? depth : 1;
}

}  // namespace baton::rt

using namespace baton::rt;

namespace {

MutexType attribute_type(const pthread_mutexattr_t* attr) {
    int type = PTHREAD_MUTEX_DEFAULT;
    if (attr) pthread_mutexattr_gettype(attr, &type);
    if (type == PTHREAD_MUTEX_RECURSIVE) return MutexType::Recursive;
    if (type == PTHREAD_MUTEX_ERRORCHECK) return MutexType::ErrorCheck;
    return MutexType::Normal;
}

uintptr_t address_of(const void* object) { return reinterpret_cast<uintptr_t>(object); }

}  // namespace

extern "C" {

int pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* attr) {
    *m = pthread_mutex_t{};
    if (attr) {
        int type = PTHREAD_MUTEX_DEFAULT;
        pthread_mutexattr_gettype(attr, &type);
        m->__data.__kind = type;  // so that a copy of the bytes keeps the type
    }
    BATON_ENTER(0);
    return mutex_init(address_of(m), attribute_type(attr), BATON_CALLER_PC);
}

int pthread_mutex_lock(pthread_mutex_t* m) {
    BATON_ENTER(0);
    return mutex_lock(address_of(m), kNoDeadline, BATON_CALLER_PC);
}

int pthread_mutex_trylock(pthread_mutex_t* m) {
    BATON_ENTER(0);
    return mutex_lock(address_of(m), 0, BATON_CALLER_PC);
}

int pthread_mutex_timedlock(pthread_mutex_t* m, const struct timespec* abstime) {
    BATON_ENTER(0);
    if (!valid_timespec(abstime)) return EINVAL;
    uint64_t deadline = deadline_at(CLOCK_REALTIME, abstime);
    return mutex_lock(address_of(m), deadline == 0 ? 1 : deadline, BATON_CALLER_PC);
}

int pthread_mutex_clocklock(pthread_mutex_t* m, clockid_t clock, const struct timespec* abstime) {
    BATON_ENTER(0);
    if (!valid_timespec(abstime)) return EINVAL;
    uint64_t deadline = deadline_at(clock, abstime);
    return mutex_lock(address_of(m), deadline == 0 ? 1 : deadline, BATON_CALLER_PC);
}

int pthread_mutex_unlock(pthread_mutex_t* m) {
    BATON_ENTER(0);
    return mutex_unlock(address_of(m), BATON_CALLER_PC);
}

int pthread_mutex_destroy(pthread_mutex_t* m) {
    BATON_ENTER(0);
    return mutex_destroy(address_of(m), BATON_CALLER_PC);
}

int pthread_mutex_consistent(pthread_mutex_t*) { return 0; }

}  // extern "C"
