#include "runtime/signals.h"

#include <dlfcn.h>
#include <signal.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "runtime/entry_points.h"
#include "runtime/program_pc.h"
#include "runtime/report_channel.h"
#include "runtime/server.h"
#include "scheduler/protocol.h"

namespace baton::rt {
namespace {

constexpr size_t kAltStackSize = 256 * 1024;
constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP};

bool g_assertion_reported = false;  // __assert_fail reported it: the SIGABRT that follows is not new
int g_watchdog_signal = 0;
uint64_t g_time_limit_ms = 0;

const char* describe_signal(int signal, const siginfo_t* info) {
    switch (signal) {
    case SIGSEGV: return "segmentation fault: invalid memory access";
    case SIGBUS: return "bus error: invalid memory access";
    case SIGFPE:
        return info->si_code == FPE_INTDIV ? "arithmetic error: integer division by zero"
                                           : "arithmetic error";
    case SIGILL: return "illegal instruction";
    case SIGABRT: return "the program aborted (abort() was called)";
    case SIGTRAP: return "trap instruction";
    default: return "fatal signal";
    }
}

bool is_stack_overflow(const Thread& thread, uintptr_t address) {
    if (!thread.fiber) return false;
    if (thread.fiber->in_guard_page(address)) return true;
    // The main thread's stack grows down to its limit; a fault just beyond it is an overflow.
    uintptr_t low = thread.fiber->stack_low();
    return thread.id == 0 && address < low + 65536 && address + 65536 > low;
}

void die_with(int signal) {
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigaction(signal, &action, nullptr);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signal);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
    raise(signal);
    _exit(128 + signal);
}

// Whether a fatal signal in the program's code left memory as the program wrote it, which the
// reset undoes: an abort (a failed assertion, abort(), an uncaught exception), a division by
// zero and a null pointer's fault (in the first 64 KiB, which nothing maps). Any other memory
// fault may follow a wild write into the runtime's own memory, which no reset restores.
bool leaves_memory_as_written(int signal, const siginfo_t* info) {
    if (signal == SIGABRT || signal == SIGFPE) return true;
    // Not SI_KERNEL: a general protection fault (a non-canonical address) reads as address 0.
    return signal == SIGSEGV && (info->si_code == SEGV_MAPERR || info->si_code == SEGV_ACCERR) &&
           reinterpret_cast<uintptr_t>(info->si_addr) < 65536;
}

// After a fatal signal that left memory as the program wrote it, a served execution ends as
// if the process had died of `signal`, and the server goes on with the next one instead of a
// new process being started (milliseconds each). Returns only if the execution cannot end
// that way: the process then dies of it.
void end_served_as_killed(int signal, bool memory_as_written) {
    if (!memory_as_written || !serving_execution() || g_runtime_depth > 0) return;
    {
        RuntimeScope scope;
        execution().finish();
    }
    end_served_execution(0, signal);  // returns if the process must end all the same
    die_with(signal);
}

void on_fatal_signal(int signal, siginfo_t* info, void* context) {
    static bool handling = false;
    if (handling || !g_runtime_active) die_with(signal);
    handling = true;
    if (signal == SIGABRT && g_assertion_reported) die_with(signal);
    auto* uc = static_cast<ucontext_t*>(context);
    auto pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
    auto address = reinterpret_cast<uintptr_t>(info->si_addr);
    Thread& thread = execution().current();
    // The faulting store never happened: reading back its value (at the runtime's next entry)
    // would fault again.
    if (signal == SIGSEGV || signal == SIGBUS) thread.pending_write = Thread::PendingWrite{};
    bool overflow = (signal == SIGSEGV || signal == SIGBUS) && is_stack_overflow(thread, address);
    Record record("finding", /*signal_safe=*/true);
    record.field("kind", "crash")
        .field("signal", signal)
        .field("message", overflow ? "stack overflow" : describe_signal(signal, info))
        .field("thread", thread.id);
    if (signal == SIGSEGV || signal == SIGBUS) record.field("address", uint64_t{address});
    // For an abort, the pc is inside libc: the thread's call stack says where it came from.
    record.stack("stack", thread, signal == SIGABRT ? thread.op_pc : pc)
        .creation_sites(thread)
        .send();
    end_served_as_killed(signal, leaves_memory_as_written(signal, info));
    execution().report_abrupt_end();
    die_with(signal);
}

bool watchdog_idle();

void on_watchdog(int, siginfo_t*, void* context) {
    if (watchdog_idle()) return;  // it fired between two executions of a server: too late
    leave_server();  // whatever was interrupted cannot be trusted to reset
    if (!g_runtime_active) _exit(protocol::kExitStopped);
    auto* uc = static_cast<ucontext_t*>(context);
    auto pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
    Thread& thread = execution().current();
    // Interrupted inside the runtime (a program that loops over synchronization spends most
    // of its time there) or a library it calls: the program is where it called in.
    uintptr_t caller = interrupted_program_pc(pc, static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RBP]),
                                              static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]));
    pc = caller ? caller : thread.op_pc ? thread.op_pc : pc;
    char message[128];
    snprintf(message, sizeof message,
             "the execution ran for %llu ms without ending (time limit)",
             static_cast<unsigned long long>(g_time_limit_ms));
    Record("finding", /*signal_safe=*/true)
        .field("kind", "nontermination")
        .field("message", message)
        .field("thread", thread.id)
        .stack("stack", thread, pc)
        .creation_sites(thread)
        .send();
    execution().report_abrupt_end();
    _exit(protocol::kExitStopped);
}

// Created once per process; in server mode before main, so that the timer outlives the
// in-process resets that restore this file's variables.
bool g_have_watchdog = false;
timer_t g_watchdog;
using ClockGettime = int (*)(clockid_t, timespec*);
ClockGettime g_real_clock_gettime = nullptr;  // the C library's (the runtime's is virtual)

// When the timer fires (absolute CLOCK_MONOTONIC ns, 0: disarmed) and whether an execution
// is running: left out of the snapshot, as the timer itself outlives resets.
struct ArmedWatchdog {
    uint64_t deadline_ns = 0;
    bool idle = false;  // between executions of a server: a firing timer is ignored
};
ArmedWatchdog g_armed;

bool watchdog_idle() { return g_armed.idle; }

uint64_t monotonic_ns() {
    timespec now{};
    g_real_clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(now.tv_nsec);
}

}  // namespace

void prepare_watchdog() {
    if (g_have_watchdog) return;
    g_watchdog_signal = SIGRTMAX - 2;
    struct sigaction action {};
    action.sa_sigaction = on_watchdog;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(g_watchdog_signal, &action, nullptr);
    sigevent event{};
    event.sigev_notify = SIGEV_SIGNAL;
    event.sigev_signo = g_watchdog_signal;
    g_real_clock_gettime = reinterpret_cast<ClockGettime>(dlvsym(RTLD_NEXT, "clock_gettime", "GLIBC_2.17"));
    if (!g_real_clock_gettime) return;  // the parent's kill remains
    g_have_watchdog = timer_create(CLOCK_MONOTONIC, &event, &g_watchdog) == 0;  // else the parent's kill remains
    exclude_from_snapshot(&g_armed, sizeof g_armed);
}

void arm_watchdog(uint64_t time_limit_ms) {
    g_time_limit_ms = time_limit_ms;
    g_armed.idle = false;
    if (time_limit_ms == 0 && !g_have_watchdog) return;
    prepare_watchdog();
    if (!g_have_watchdog) return;
    itimerspec spec{};
    if (time_limit_ms != 0) {
        // A server's executions mostly share one deadline (the end of the search's time
        // budget): a timer that fires at most 1/16 of the limit (and 1 s) later than asked
        // is left as it is, which saves two system calls per execution.
        uint64_t deadline = monotonic_ns() + time_limit_ms * 1'000'000;
        uint64_t slack = std::min<uint64_t>(time_limit_ms / 16, 1000) * 1'000'000;
        if (g_armed.deadline_ns >= deadline && g_armed.deadline_ns <= deadline + slack) return;
        spec.it_value.tv_sec = static_cast<time_t>(deadline / 1'000'000'000);
        spec.it_value.tv_nsec = static_cast<long>(deadline % 1'000'000'000);
        g_armed.deadline_ns = deadline;
    } else {
        if (g_armed.deadline_ns == 0) return;
        g_armed.deadline_ns = 0;
    }
    timer_settime(g_watchdog, TIMER_ABSTIME, &spec, nullptr);
}

void idle_watchdog() { g_armed.idle = true; }

void install_signal_handlers() {
    void* stack = mmap(nullptr, kAltStackSize, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (stack != MAP_FAILED) {
        exclude_from_snapshot(stack, kAltStackSize);  // scratch: nothing in it to restore
        stack_t alternate{};
        alternate.ss_sp = stack;
        alternate.ss_size = kAltStackSize;
        sigaltstack(&alternate, nullptr);
    }
    struct sigaction action {};
    action.sa_sigaction = on_fatal_signal;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    for (int signal : kFatalSignals) sigaction(signal, &action, nullptr);
}

void report_assertion(const char* expression, const char* file, unsigned line,
                      const char* function, uintptr_t pc) {
    if (!g_runtime_active) return;
    RuntimeScope scope;
    Thread& thread = enter_runtime(0);
    std::string message = std::string("assertion `") + expression + "` failed";
    Record("finding")
        .field("kind", "assertion-failure")
        .field("message", message)
        .field("expression", expression)
        .field("file", file)
        .field("line", line)
        .field("function", function ? function : "")
        .field("thread", thread.id)
        .stack("stack", thread, pc)
        .creation_sites(thread)
        .send();
    g_assertion_reported = true;
}

namespace {

// After a failed assertion was reported and printed.
[[noreturn]] void end_with_abort() {
    end_served_as_killed(SIGABRT, /*memory_as_written=*/true);
    if (g_runtime_active) execution().report_abrupt_end();  // the abort that follows skips finish()
    abort();
}

}  // namespace

}  // namespace baton::rt

using namespace baton::rt;

extern "C" {

[[noreturn]] void __assert_fail(const char* expression, const char* file, unsigned line,
                                const char* function) {
    report_assertion(expression, file, line, function, BATON_CALLER_PC);
    fflush(stdout);
    fprintf(stderr, "%s: %s:%u: %s%sAssertion `%s' failed.\n", program_invocation_short_name,
            file, line, function ? function : "", function ? ": " : "", expression);
    end_with_abort();
}

[[noreturn]] void __assert_perror_fail(int error, const char* file, unsigned line,
                                       const char* function) {
    report_assertion(strerror(error), file, line, function, BATON_CALLER_PC);
    fprintf(stderr, "%s: %s:%u: %s%sUnexpected error: %s.\n", program_invocation_short_name,
            file, line, function ? function : "", function ? ": " : "", strerror(error));
    end_with_abort();
}

[[noreturn]] void __assert(const char* expression, const char* file, int line) {
    report_assertion(expression, file, static_cast<unsigned>(line), nullptr, BATON_CALLER_PC);
    fprintf(stderr, "%s: %s:%d: Assertion `%s' failed.\n", program_invocation_short_name, file,
            line, expression);
    end_with_abort();
}

}  // extern "C"
