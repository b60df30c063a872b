// futex(2), reached through syscall(SYS_futex, ...): libstdc++ builds std::atomic::wait,
// std::counting_semaphore, std::latch and std::barrier on it. FUTEX_WAIT blocks while the
// word holds the expected value, until a FUTEX_WAKE on the same word; spurious wakeups are
// allowed, as the kernel allows them. Every other system call goes to the kernel.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>

#include "runtime/entry_points.h"
#include "runtime/spin_detector.h"
#include "runtime/virtual_time.h"

namespace baton::rt {
namespace {

uint64_t g_futex_sequence = 0;

const WaitKind kFutexWait{
    "futex",
    [](const Thread& waiter) { return waiter.wait.woken; },
    [](const Thread&) { return kNoThread; },
    true,
    scheduler::OpKind::FutexWait,
};

long futex_wait(uint32_t* word, uint32_t expected, const timespec* timeout, bool absolute,
                bool realtime, uintptr_t pc) {
    Execution& ex = execution();
    Thread& self = ex.current();
    ex.yield(pc, scheduler::Operation{scheduler::OpKind::FutexWait, reinterpret_cast<uintptr_t>(word)});
    if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != expected) {
        observe_read(self, reinterpret_cast<uintptr_t>(word), 4, pc, self.op_sp);
        errno = EAGAIN;
        return -1;
    }
    uint64_t deadline = kNoDeadline;
    if (timeout) {
        if (!valid_timespec(timeout)) {
            errno = EINVAL;
            return -1;
        }
        deadline = absolute ? deadline_at(realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC, timeout)
                            : deadline_after(timeout);
        if (deadline == 0) deadline = 1;
    }
    WakeReason reason = ex.wait(kFutexWait, reinterpret_cast<uintptr_t>(word), pc, deadline,
                                ++g_futex_sequence);
    if (reason == WakeReason::Timeout) {
        errno = ETIMEDOUT;
        return -1;
    }
    return 0;
}

long futex_wake(uint32_t* word, int count, uintptr_t pc) {
    Execution& ex = execution();
    ex.yield(pc, scheduler::Operation{scheduler::OpKind::FutexWake, reinterpret_cast<uintptr_t>(word)});
    auto address = reinterpret_cast<uintptr_t>(word);
    long woken = 0;
    while (woken < count) {
        Thread* oldest = nullptr;
        for (Thread* thread : ex.live_threads()) {
            if (thread->status == ThreadStatus::Live && thread->wait.kind == &kFutexWait &&
                thread->wait.object == address && !thread->wait.woken &&
                (!oldest || thread->wait.token < oldest->wait.token))
                oldest = thread;
        }
        if (!oldest) break;
        oldest->wait.woken = true;
        ++woken;
    }
    observe_progress(ex.current());
    return woken;
}

long futex(uint32_t* word, int op, uint32_t value, const timespec* timeout, uintptr_t pc) {
    int command = op & FUTEX_CMD_MASK;
    bool realtime = op & FUTEX_CLOCK_REALTIME;
    switch (command) {
    case FUTEX_WAIT: return futex_wait(word, value, timeout, false, false, pc);
    case FUTEX_WAIT_BITSET: return futex_wait(word, value, timeout, true, realtime, pc);
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: return futex_wake(word, static_cast<int>(value), pc);
    default: errno = ENOSYS; return -1;
    }
}

}  // namespace
}  // namespace baton::rt

using namespace baton::rt;

extern "C" long syscall(long number, ...) {
    va_list args;
    va_start(args, number);
    long a[6];
    for (long& arg : a) arg = va_arg(args, long);
    va_end(args);
    if (number == SYS_futex && g_runtime_active && g_runtime_depth == 0) {
        RuntimeScope scope;
        enter_runtime(BATON_CALLER_SP);
        return futex(reinterpret_cast<uint32_t*>(a[0]), static_cast<int>(a[1]),
                     static_cast<uint32_t>(a[2]), reinterpret_cast<const timespec*>(a[3]),
                     BATON_CALLER_PC);
    }
    long result;
    register long r10 asm("r10") = a[3];
    register long r8 asm("r8") = a[4];
    register long r9 asm("r9") = a[5];
    asm volatile("syscall"
                 : "=a"(result)
                 : "a"(number), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
                 : "rcx", "r11", "memory");
    if (result < 0 && result > -4096) {
        errno = static_cast<int>(-result);
        return -1;
    }
    return result;
}
