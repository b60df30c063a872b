// Thread lifecycle: pthread_create/join/detach/exit/self/equal, cancellation, and the
// pthread_t-taking functions glibc would otherwise apply to its own thread structures.
//
// A pthread_t is the baton thread id plus one (the main thread is 1): small, stable across
// executions of the same schedule, and never 0.
#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include <cerrno>
#include <cstring>

#include "runtime/entry_points.h"
#include "runtime/spin_detector.h"
#include "runtime/server.h"
#include "runtime/threads.h"
#include "runtime/virtual_time.h"

namespace baton::rt {

constexpr size_t kDefaultStackSize = size_t{8} << 20;  // as glibc's default
constexpr size_t kRuntimeStackReserve = Fiber::kDefaultStackSize - kDefaultStackSize;

pthread_t to_pthread(ThreadId id) { return static_cast<pthread_t>(id) + 1; }

Thread* from_pthread(pthread_t handle) {
    if (!g_runtime_active || handle == 0 || handle - 1 >= execution().thread_count())
        return nullptr;
    return &execution().thread(static_cast<ThreadId>(handle - 1));
}

namespace {

const WaitKind kJoinWait{
    "join",
    [](const Thread& waiter) {
        return execution().thread(static_cast<ThreadId>(waiter.wait.object)).status ==
               ThreadStatus::Finished;
    },
    [](const Thread& waiter) { return static_cast<ThreadId>(waiter.wait.object); },
    false,
    scheduler::OpKind::ThreadJoin,
};

void read_attributes(const pthread_attr_t* attr, size_t& stack_size, void*& user_stack,
                     bool& detached) {
    stack_size = kDefaultStackSize;
    user_stack = nullptr;
    detached = false;
    if (!attr) return;
    size_t size = 0;
    if (pthread_attr_getstacksize(attr, &size) == 0 && size >= static_cast<size_t>(PTHREAD_STACK_MIN)) stack_size = size;
    void* address = nullptr;
    size_t user_size = 0;
    // glibc reports (0 - size) as the address of a stack the program did not supply.
    if (pthread_attr_getstack(attr, &address, &user_size) == 0 &&
        reinterpret_cast<uintptr_t>(address) + user_size != 0) {
        user_stack = address;
        stack_size = user_size;
    }
    int state = PTHREAD_CREATE_JOINABLE;
    if (pthread_attr_getdetachstate(attr, &state) == 0) detached = state == PTHREAD_CREATE_DETACHED;
}

}  // namespace

void act_on_cancellation(Thread& thread) {
    if (thread.cancel_requested && thread.cancel_enabled) {
        thread.cancel_requested = false;
        exit_thread(PTHREAD_CANCELED);
    }
}

void exit_thread(void* result) {
    Thread& thread = execution().current();
    int depth = g_runtime_depth;
    g_runtime_depth = 0;  // key destructors are program code
    run_thread_destructors(thread);
    g_runtime_depth = depth > 0 ? depth : 1;
    execution().exit_current(result);
}

int create_thread(pthread_t* handle, const pthread_attr_t* attr, void* (*start)(void*), void* arg,
                  uintptr_t pc) {
    boot_runtime();
    RuntimeScope scope;
    Thread& parent = enter_runtime(BATON_CALLER_SP);
    size_t stack_size;
    void* user_stack;
    bool detached;
    read_attributes(attr, stack_size, user_stack, detached);
    if (!user_stack) stack_size += kRuntimeStackReserve;
    // Such a stack is mapped on its own, where a new process would not map it (the pool is
    // for the default size): executions that follow must start in a new process.
    if (!user_stack && stack_size != Fiber::kDefaultStackSize) note_unresettable("a thread stack of its own size");
    // The creation is a step of its own, so that the new thread's first step is ordered
    // after it (partial-order reduction sees the dependency through the thread's object).
    auto next_id = static_cast<uint32_t>(execution().thread_count());
    execution().yield(pc, {scheduler::OpKind::ThreadCreate, scheduler::thread_object(next_id)});
    Thread* thread = execution().create_thread(start, arg, stack_size, user_stack, detached, pc);
    if (!thread) return EAGAIN;
    *handle = to_pthread(thread->id);
    observe_progress(parent);
    // The new thread may run before pthread_create returns.
    execution().yield(pc, {scheduler::OpKind::Yield, 0});
    return 0;
}

int join_thread(pthread_t handle, void** result, uint64_t deadline, uintptr_t pc) {
    RuntimeScope scope;
    Thread& self = enter_runtime(BATON_CALLER_SP);
    Thread* target = from_pthread(handle);
    if (!target) return ESRCH;
    if (target == &self) return EDEADLK;
    if (target->detached || target->joined) return EINVAL;
    act_on_cancellation(self);
    if (deadline == 0) {  // tryjoin: a scheduling point, never a wait
        execution().yield(pc, {scheduler::OpKind::ThreadJoin, scheduler::thread_object(target->id)});
        if (target->status != ThreadStatus::Finished) return EBUSY;
    } else if (execution().wait(kJoinWait, target->id, pc, deadline) == WakeReason::Timeout) {
        return ETIMEDOUT;
    }
    Thread& me = execution().current();
    me.clock.join(target->clock);
    target->clock.release();  // joined once: a thousand joined threads would keep a thousand clocks
    target->joined = true;
    observe_progress(me);
    if (result) *result = target->result;
    return 0;
}

}  // namespace baton::rt

using namespace baton::rt;

extern "C" {

int pthread_create(pthread_t* handle, const pthread_attr_t* attr, void* (*start)(void*),
                   void* arg) {
    return create_thread(handle, attr, start, arg, BATON_CALLER_PC);
}

int pthread_join(pthread_t handle, void** result) {
    return join_thread(handle, result, kNoDeadline, BATON_CALLER_PC);
}

int pthread_tryjoin_np(pthread_t handle, void** result) {
    // A deadline already reached: the join succeeds only if the thread has finished.
    return join_thread(handle, result, 0, BATON_CALLER_PC);
}

int pthread_timedjoin_np(pthread_t handle, void** result, const struct timespec* abstime) {
    if (!valid_timespec(abstime)) return EINVAL;
    return join_thread(handle, result, deadline_at(CLOCK_REALTIME, abstime), BATON_CALLER_PC);
}

int pthread_clockjoin_np(pthread_t handle, void** result, clockid_t clock,
                         const struct timespec* abstime) {
    if (!valid_timespec(abstime)) return EINVAL;
    return join_thread(handle, result, deadline_at(clock, abstime), BATON_CALLER_PC);
}

int pthread_detach(pthread_t handle) {
    Thread* thread = from_pthread(handle);
    if (!thread) return ESRCH;
    if (thread->detached) return EINVAL;
    thread->detached = true;
    if (thread->status == ThreadStatus::Finished) thread->clock.release();  // nobody joins it
    return 0;
}

void pthread_exit(void* result) {
    RuntimeScope scope;
    enter_runtime(BATON_CALLER_SP);
    exit_thread(result);
}

pthread_t pthread_self() {
    return g_runtime_active ? to_pthread(execution().current().id) : to_pthread(0);
}


int pthread_cancel(pthread_t handle) {
    Thread* thread = from_pthread(handle);
    if (!thread) return ESRCH;
    if (thread->status == ThreadStatus::Live) thread->cancel_requested = true;
    return 0;
}

void pthread_testcancel() {
    if (!g_runtime_active) return;
    RuntimeScope scope;
    act_on_cancellation(enter_runtime(BATON_CALLER_SP));
}

int pthread_setcancelstate(int state, int* old_state) {
    if (state != PTHREAD_CANCEL_ENABLE && state != PTHREAD_CANCEL_DISABLE) return EINVAL;
    if (!g_runtime_active) return 0;
    Thread& thread = execution().current();
    if (old_state) *old_state = thread.cancel_enabled ? PTHREAD_CANCEL_ENABLE : PTHREAD_CANCEL_DISABLE;
    thread.cancel_enabled = state == PTHREAD_CANCEL_ENABLE;
    return 0;
}

int pthread_setcanceltype(int type, int* old_type) {
    if (type != PTHREAD_CANCEL_DEFERRED && type != PTHREAD_CANCEL_ASYNCHRONOUS) return EINVAL;
    if (old_type) *old_type = PTHREAD_CANCEL_DEFERRED;  // asynchronous acts as deferred
    return 0;
}

int pthread_getattr_np(pthread_t handle, pthread_attr_t* attr) {
    Thread* thread = from_pthread(handle);
    if (!thread) return ESRCH;
    pthread_attr_init(attr);
    if (thread->fiber) {
        pthread_attr_setstack(attr, reinterpret_cast<void*>(thread->fiber->stack_low()),
                              thread->fiber->stack_high() - thread->fiber->stack_low());
    }
    pthread_attr_setdetachstate(attr, thread->detached ? PTHREAD_CREATE_DETACHED
                                                       : PTHREAD_CREATE_JOINABLE);
    return 0;
}

int pthread_setname_np(pthread_t handle, const char* name) {
    if (!from_pthread(handle)) return ESRCH;
    return strlen(name) >= 16 ? ERANGE : 0;
}

int pthread_getname_np(pthread_t handle, char* name, size_t size) {
    if (!from_pthread(handle)) return ESRCH;
    if (size == 0) return ERANGE;
    name[0] = '\0';
    return 0;
}

int pthread_kill(pthread_t handle, int signal) {
    Thread* thread = from_pthread(handle);
    if (!thread || thread->status != ThreadStatus::Live) return ESRCH;
    if (signal == 0) return 0;
    // One kernel thread runs every user-level thread: the handler runs on the calling one.
    return raise(signal) == 0 ? 0 : errno;
}

int pthread_setschedparam(pthread_t handle, int, const struct sched_param*) {
    return from_pthread(handle) ? 0 : ESRCH;
}

int pthread_getschedparam(pthread_t handle, int* policy, struct sched_param* param) {
    if (!from_pthread(handle)) return ESRCH;
    *policy = SCHED_OTHER;
    param->sched_priority = 0;
    return 0;
}

int pthread_setschedprio(pthread_t handle, int) { return from_pthread(handle) ? 0 : ESRCH; }

int pthread_setaffinity_np(pthread_t handle, size_t, const cpu_set_t*) {
    return from_pthread(handle) ? 0 : ESRCH;
}

int pthread_getaffinity_np(pthread_t handle, size_t size, cpu_set_t* set) {
    if (!from_pthread(handle)) return ESRCH;
    memset(set, 0, size);
    if (size >= sizeof(unsigned long)) CPU_SET_S(0, size, set);
    return 0;
}

int pthread_getcpuclockid(pthread_t handle, clockid_t* clock) {
    if (!from_pthread(handle)) return ESRCH;
    *clock = CLOCK_THREAD_CPUTIME_ID;
    return 0;
}

}  // extern "C"
