// Condition variables: pthread_cond_* and C11 cnd_*. signal wakes the longest-waiting thread,
// broadcast all of them. Spurious wakeups are legal, so the scheduler may choose one for
// any waiter (runtime/execution.cpp offers it as an option); timeouts likewise.
//
// A wait is four steps, each a scheduling point with an operation of its own, so that the
// search sees the mutex change hands: CondWait (the thread joins the waiters), MutexUnlock
// (it releases the mutex; a signal in between already wakes it, as POSIX makes the two one
// atomic action), CondWake (it returns: signalled, timed out or spurious) and MutexLock (it
// takes the mutex back, waiting while another thread holds it).
//
// A thread that woke spuriously, wrote nothing and comes back to wait on the same condition
// variable is where it was, only later among the waiters: a loop around the wait may do this
// forever. A search that wants every execution once (DPOR) ends such an execution as
// redundant; the executions in which the thread stayed asleep cover it.
//
// Waking creates no happens-before edge of its own: the mutex does, as in ThreadSanitizer.
#include "runtime/condvar.h"

#include <pthread.h>
#include <threads.h>

#include <cerrno>

#include "runtime/entry_points.h"
#include "runtime/mutex.h"
#include "runtime/oracles.h"
#include "runtime/spin_detector.h"
#include "runtime/threads.h"
#include "runtime/virtual_time.h"

namespace baton::rt {
namespace {

struct CondVarObject : SyncObject {
    static constexpr SyncKind kKind = SyncKind::CondVar;
    CondVarObject() : SyncObject(kKind) {}
    clockid_t clock = CLOCK_REALTIME;
};

uint64_t g_wait_sequence = 0;  // orders waiters: signal wakes the oldest

const WaitKind kCondWait{
    "condition variable",
    [](const Thread& waiter) { return waiter.cond_waiter.woken; },
    [](const Thread&) { return kNoThread; },
    true,
    scheduler::OpKind::CondWake,
};

bool waits_on(const Thread& thread, uintptr_t cond) {
    return thread.status == ThreadStatus::Live && thread.cond_waiter.cond == cond && !thread.cond_waiter.woken;
}

}  // namespace

int cond_init(uintptr_t cond, clockid_t clock) {
    execution().objects().erase(cond);
    execution().objects().get<CondVarObject>(cond).clock = clock;
    return 0;
}

clockid_t cond_clock(uintptr_t cond) {
    return execution().objects().get<CondVarObject>(cond).clock;
}

int cond_wait(uintptr_t cond, uintptr_t mutex, uint64_t deadline, uintptr_t pc) {
    Execution& ex = execution();
    Thread& self = ex.current();
    act_on_cancellation(self);
    const scheduler::Operation wait{scheduler::OpKind::CondWait, cond};
    if (self.spurious_from == cond && ex.ends_repeated_waits()) ex.end_as_redundant(pc, wait);
    self.spurious_from = 0;
    ex.yield(pc, wait);
    bool held = mutex_object(mutex).owner == self.id;
    if (!held)
        report_lock_misuse("waits on condition variable {object} without holding its mutex", cond, pc);
    self.cond_waiter = {cond, ++g_wait_sequence, false};
    uint32_t depth = 0;
    if (held) {
        ex.yield(pc, scheduler::Operation{scheduler::OpKind::MutexUnlock, mutex});
        depth = mutex_release_for_wait(mutex, self);
    }
    WakeReason reason = ex.wait(kCondWait, cond, pc, deadline);
    self.cond_waiter = {};
    // Woken by a signal, the thread had blocked: a loop around the wait that finds what it
    // read unchanged is not spinning (the signal may come after a change it already saw).
    // A loop of timed waits that time out may be.
    if (reason == WakeReason::Ready) self.reads_since_progress = 0, self.spin_states.clear();
    if (reason == WakeReason::Spurious) self.spurious_from = cond;
    if (held) mutex_reacquire_after_wait(mutex, depth, pc);
    return reason == WakeReason::Timeout ? ETIMEDOUT : 0;
}

int cond_signal(uintptr_t cond, bool all, uintptr_t pc) {
    Execution& ex = execution();
    ex.yield(pc, scheduler::Operation{all ? scheduler::OpKind::CondBroadcast : scheduler::OpKind::CondSignal, cond});
    Thread* oldest = nullptr;
    for (Thread* thread : ex.live_threads()) {
        if (!waits_on(*thread, cond)) continue;
        if (all) {
            thread->cond_waiter.woken = true;
        } else if (!oldest || thread->cond_waiter.order < oldest->cond_waiter.order) {
            oldest = thread;
        }
    }
    if (oldest) oldest->cond_waiter.woken = true;
    observe_progress(ex.current());
    return 0;
}

int cond_destroy(uintptr_t cond, uintptr_t pc) {
    for (Thread* thread : execution().live_threads()) {
        if (waits_on(*thread, cond)) {
            report_lock_misuse("destroys condition variable {object} while thread {other} waits on it",
                               cond, pc, thread->id);
            return EBUSY;
        }
    }
    execution().objects().erase(cond);
    return 0;
}

}  // namespace baton::rt

using namespace baton::rt;

namespace {
uintptr_t address_of(const void* object) { return reinterpret_cast<uintptr_t>(object); }
}  // namespace

extern "C" {

int pthread_cond_init(pthread_cond_t* c, const pthread_condattr_t* attr) {
    *c = pthread_cond_t{};
    BATON_ENTER(0);
    clockid_t clock = CLOCK_REALTIME;
    if (attr) pthread_condattr_getclock(attr, &clock);
    return cond_init(address_of(c), clock);
}

int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
    BATON_ENTER(0);
    return cond_wait(address_of(c), address_of(m), kNoDeadline, BATON_CALLER_PC);
}

int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const struct timespec* abstime) {
    BATON_ENTER(0);
    if (!valid_timespec(abstime)) return EINVAL;
    uint64_t deadline = deadline_at(cond_clock(address_of(c)), abstime);
    return cond_wait(address_of(c), address_of(m), deadline, BATON_CALLER_PC);
}

int pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock,
                           const struct timespec* abstime) {
    BATON_ENTER(0);
    if (!valid_timespec(abstime)) return EINVAL;
    return cond_wait(address_of(c), address_of(m), deadline_at(clock, abstime), BATON_CALLER_PC);
}

int pthread_cond_signal(pthread_cond_t* c) {
    BATON_ENTER(0);
    return cond_signal(address_of(c), false, BATON_CALLER_PC);
}

int pthread_cond_broadcast(pthread_cond_t* c) {
    BATON_ENTER(0);
    return cond_signal(address_of(c), true, BATON_CALLER_PC);
}

int pthread_cond_destroy(pthread_cond_t* c) {
    BATON_ENTER(0);
    return cond_destroy(address_of(c), BATON_CALLER_PC);
}

}  // extern "C"
