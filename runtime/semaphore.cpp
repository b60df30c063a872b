// Semaphores: sem_init/wait/trywait/timedwait/clockwait/post/getvalue/destroy, and named
// semaphores (sem_open/close/unlink) kept in the process. A post releases the poster's clock
// into the semaphore; a successful wait acquires it.
#include <fcntl.h>
#include <semaphore.h>

#include <cerrno>
#include <climits>
#include <cstdarg>
#include <cstdlib>
#include <map>
#include <string>

#include "runtime/entry_points.h"
#include "runtime/oracles.h"
#include "runtime/spin_detector.h"
#include "runtime/virtual_time.h"

namespace baton::rt {
namespace {

struct SemaphoreObject : SyncObject {
    static constexpr SyncKind kKind = SyncKind::Semaphore;
    SemaphoreObject() : SyncObject(kKind) {}
    unsigned value = 0;
};

const WaitKind kSemaphoreWait{
    "semaphore",
    [](const Thread& waiter) {
        auto* sem = execution().objects().find<SemaphoreObject>(waiter.wait.object);
        return sem && sem->value > 0;
    },
    [](const Thread&) { return kNoThread; },
    false,
    scheduler::OpKind::SemWait,
};

SemaphoreObject& semaphore(uintptr_t address) {
    return execution().objects().get<SemaphoreObject>(address);
}

// deadline: kNoDeadline waits; 0 only tries.
int wait(uintptr_t address, uint64_t deadline, uintptr_t pc) {
    Execution& ex = execution();
    Thread& self = ex.current();
    if (deadline == 0) {
        ex.yield(pc, scheduler::Operation{scheduler::OpKind::SemWait, address});
        if (semaphore(address).value == 0) {
            observe_read(self, address, sizeof(unsigned), pc, self.op_sp);
            errno = EAGAIN;
            return -1;
        }
    } else if (ex.wait(kSemaphoreWait, address, pc, deadline) == WakeReason::Timeout) {
        errno = ETIMEDOUT;
        return -1;
    }
    SemaphoreObject& sem = semaphore(address);
    --sem.value;
    self.clock.join(sem.clock);
    observe_progress(self);
    return 0;
}

int post(uintptr_t address, uintptr_t pc) {
    Execution& ex = execution();
    ex.yield(pc, scheduler::Operation{scheduler::OpKind::SemPost, address});
    Thread& self = ex.current();
    SemaphoreObject& sem = semaphore(address);
    if (sem.value == SEM_VALUE_MAX) {
        errno = EOVERFLOW;
        return -1;
    }
    ++sem.value;
    sem.clock.join(self.clock);
    self.clock.tick(self.id);
    observe_progress(self);
    ex.notify_write(address, sizeof(unsigned));
    return 0;
}

bool has_waiters(uintptr_t address, ThreadId& waiter) {
    for (Thread* thread : execution().live_threads()) {
        if (thread->status == ThreadStatus::Live && thread->wait.kind == &kSemaphoreWait &&
            thread->wait.object == address) {
            waiter = thread->id;
            return true;
        }
    }
    return false;
}

std::map<std::string, sem_t*>& named_semaphores() {
    static auto* table = new std::map<std::string, sem_t*>();
    return *table;
}

uintptr_t address_of(const void* object) { return reinterpret_cast<uintptr_t>(object); }

}  // namespace
}  // namespace baton::rt

using namespace baton::rt;

extern "C" {

int sem_init(sem_t* s, int, unsigned value) {
    if (value > SEM_VALUE_MAX) {
        errno = EINVAL;
        return -1;
    }
    BATON_ENTER(0);
    execution().objects().erase(address_of(s));
    semaphore(address_of(s)).value = value;
    return 0;
}

int sem_wait(sem_t* s) {
    BATON_ENTER(0);
    return wait(address_of(s), kNoDeadline, BATON_CALLER_PC);
}

int sem_trywait(sem_t* s) {
    BATON_ENTER(0);
    return wait(address_of(s), 0, BATON_CALLER_PC);
}

int sem_timedwait(sem_t* s, const struct timespec* abstime) {
    BATON_ENTER(0);
    if (!valid_timespec(abstime)) {
        errno = EINVAL;
        return -1;
    }
    uint64_t deadline = deadline_at(CLOCK_REALTIME, abstime);
    return wait(address_of(s), deadline == 0 ? 1 : deadline, BATON_CALLER_PC);
}

int sem_clockwait(sem_t* s, clockid_t clock, const struct timespec* abstime) {
    BATON_ENTER(0);
    if (!valid_timespec(abstime)) {
        errno = EINVAL;
        return -1;
    }
    uint64_t deadline = deadline_at(clock, abstime);
    return wait(address_of(s), deadline == 0 ? 1 : deadline, BATON_CALLER_PC);
}

int sem_post(sem_t* s) {
    BATON_ENTER(0);
    return post(address_of(s), BATON_CALLER_PC);
}

int sem_getvalue(sem_t* s, int* value) {
    BATON_ENTER(0);
    *value = static_cast<int>(semaphore(address_of(s)).value);
    return 0;
}

int sem_destroy(sem_t* s) {
    BATON_ENTER(0);
    ThreadId waiter;
    if (has_waiters(address_of(s), waiter)) {
        report_lock_misuse("destroys semaphore {object} while thread {other} waits on it",
                           address_of(s), BATON_CALLER_PC, waiter);
        errno = EBUSY;
        return -1;
    }
    execution().objects().erase(address_of(s));
    return 0;
}

sem_t* sem_open(const char* name, int flags, ...) {
    unsigned value = 0;
    if (flags & O_CREAT) {
        va_list args;
        va_start(args, flags);
        va_arg(args, int);  // mode: no file is created
        value = va_arg(args, unsigned);
        va_end(args);
    }
    BATON_ENTER(SEM_FAILED);
    auto& table = named_semaphores();
    auto it = table.find(name);
    if (it != table.end()) {
        if ((flags & O_CREAT) && (flags & O_EXCL)) {
            errno = EEXIST;
            return SEM_FAILED;
        }
        return it->second;
    }
    if (!(flags & O_CREAT)) {
        errno = ENOENT;
        return SEM_FAILED;
    }
    auto* sem = static_cast<sem_t*>(calloc(1, sizeof(sem_t)));
    semaphore(address_of(sem)).value = value;
    table[name] = sem;
    return sem;
}

int sem_close(sem_t*) { return 0; }

int sem_unlink(const char* name) {
    BATON_ENTER(0);
    if (named_semaphores().erase(name) == 0) {
        errno = ENOENT;
        return -1;
    }
    return 0;
}

}  // extern "C"
