// C11 <threads.h>. glibc implements it on its internal pthread functions, not through the
// interposable pthread_* symbols, so each function is interposed here, onto the same models.
#include <threads.h>

#include <cerrno>

#include "runtime/clocks.h"
#include "runtime/condvar.h"
#include "runtime/entry_points.h"
#include "runtime/mutex.h"
#include "runtime/threads.h"
#include "runtime/virtual_time.h"

namespace baton::rt {
int run_once(uintptr_t control, void (*routine)(), uintptr_t pc);
}

using namespace baton::rt;

namespace {

struct C11Start {
    thrd_start_t function;
    void* argument;
};

void* start_c11_thread(void* pointer) {
    C11Start start = *static_cast<C11Start*>(pointer);
    delete static_cast<C11Start*>(pointer);
    return reinterpret_cast<void*>(static_cast<intptr_t>(start.function(start.argument)));
}

int to_c11(int error) {
    switch (error) {
    case 0: return thrd_success;
    case EBUSY: return thrd_busy;
    case ETIMEDOUT: return thrd_timedout;
    case ENOMEM:
    case EAGAIN: return thrd_nomem;
    default: return thrd_error;
    }
}

uintptr_t address_of(const void* object) { return reinterpret_cast<uintptr_t>(object); }

}  // namespace

extern "C" {

int thrd_create(thrd_t* thread, thrd_start_t function, void* argument) {
    auto* start = new C11Start{function, argument};
    pthread_t handle;
    int error = create_thread(&handle, nullptr, &start_c11_thread, start, BATON_CALLER_PC);
    if (error != 0) {
        delete start;
        return to_c11(error);
    }
    *thread = handle;
    return thrd_success;
}

int thrd_join(thrd_t thread, int* result) {
    void* value = nullptr;
    int error = join_thread(thread, &value, kNoDeadline, BATON_CALLER_PC);
    if (error == 0 && result) *result = static_cast<int>(reinterpret_cast<intptr_t>(value));
    return to_c11(error);
}

void thrd_exit(int result) {
    RuntimeScope scope;
    if (g_runtime_active) enter_runtime(BATON_CALLER_SP);
    exit_thread(reinterpret_cast<void*>(static_cast<intptr_t>(result)));
}

thrd_t thrd_current() { return pthread_self(); }


int thrd_detach(thrd_t thread) { return to_c11(pthread_detach(thread)); }

int thrd_sleep(const struct timespec* duration, struct timespec* remaining) {
    if (!valid_timespec(duration)) return -2;
    BATON_ENTER(0);
    sleep_until(deadline_after(duration), BATON_CALLER_PC);
    if (remaining) *remaining = timespec{0, 0};
    return 0;
}

void thrd_yield() {
    BATON_ENTER();
    execution().yield(BATON_CALLER_PC, scheduler::Operation{scheduler::OpKind::Yield, 0});
}

int mtx_init(mtx_t* m, int type) {
    *m = mtx_t{};
    BATON_ENTER(thrd_success);
    return to_c11(mutex_init(address_of(m),
                             (type & mtx_recursive) ? MutexType::Recursive : MutexType::Normal,
                             BATON_CALLER_PC));
}

int mtx_lock(mtx_t* m) {
    BATON_ENTER(thrd_success);
    return to_c11(mutex_lock(address_of(m), kNoDeadline, BATON_CALLER_PC));
}

int mtx_trylock(mtx_t* m) {
    BATON_ENTER(thrd_success);
    return to_c11(mutex_lock(address_of(m), 0, BATON_CALLER_PC));
}

int mtx_timedlock(mtx_t* __restrict m, const struct timespec* __restrict abstime) {
    BATON_ENTER(thrd_success);
    if (!valid_timespec(abstime)) return thrd_error;
    uint64_t deadline = deadline_at(CLOCK_REALTIME, abstime);
    return to_c11(mutex_lock(address_of(m), deadline == 0 ? 1 : deadline, BATON_CALLER_PC));
}

int mtx_unlock(mtx_t* m) {
    BATON_ENTER(thrd_success);
    return to_c11(mutex_unlock(address_of(m), BATON_CALLER_PC));
}

void mtx_destroy(mtx_t* m) {
    BATON_ENTER();
    mutex_destroy(address_of(m), BATON_CALLER_PC);
}

int cnd_init(cnd_t* c) {
    *c = cnd_t{};
    BATON_ENTER(thrd_success);
    return to_c11(cond_init(address_of(c), CLOCK_REALTIME));
}

int cnd_wait(cnd_t* c, mtx_t* m) {
    BATON_ENTER(thrd_success);
    return to_c11(cond_wait(address_of(c), address_of(m), kNoDeadline, BATON_CALLER_PC));
}

int cnd_timedwait(cnd_t* __restrict c, mtx_t* __restrict m,
                  const struct timespec* __restrict abstime) {
    BATON_ENTER(thrd_success);
    if (!valid_timespec(abstime)) return thrd_error;
    return to_c11(cond_wait(address_of(c), address_of(m), deadline_at(CLOCK_REALTIME, abstime),
                            BATON_CALLER_PC));
}

int cnd_signal(cnd_t* c) {
    BATON_ENTER(thrd_success);
    return to_c11(cond_signal(address_of(c), false, BATON_CALLER_PC));
}

int cnd_broadcast(cnd_t* c) {
    BATON_ENTER(thrd_success);
    return to_c11(cond_signal(address_of(c), true, BATON_CALLER_PC));
}

void cnd_destroy(cnd_t* c) {
    BATON_ENTER();
    cond_destroy(address_of(c), BATON_CALLER_PC);
}

int tss_create(tss_t* key, tss_dtor_t destructor) {
    return pthread_key_create(key, destructor) == 0 ? thrd_success : thrd_error;
}

void tss_delete(tss_t key) { pthread_key_delete(key); }

void* tss_get(tss_t key) { return pthread_getspecific(key); }

int tss_set(tss_t key, void* value) {
    return pthread_setspecific(key, value) == 0 ? thrd_success : thrd_error;
}

void call_once(once_flag* flag, void (*routine)()) {
    run_once(address_of(flag), routine, BATON_CALLER_PC);
}

}  // extern "C"
