// The oracles that watch progress: deadlock (every live thread waits for something no
// runnable thread can provide), livelock (the same, with at least one thread parked as a
// busy-wait), nontermination (the step bound), and self-deadlock. All end the execution.
#include <signal.h>
#include <string.h>
#include <sys/time.h>

#include <utility>

#include "runtime/execution.h"
#include "runtime/fatal.h"
#include "runtime/oracles.h"
#include "runtime/report_channel.h"

namespace baton::rt {
namespace {

void describe_thread(Record& record, const Thread& thread) {
    record.begin_object(nullptr).field("thread", thread.id);
    if (thread.parked_for_spin) {
        record.field("state", "spinning");
        record.begin_array("reads");
        for (const SpinRead& read : thread.spin_reads) {
            record.begin_object(nullptr)
                .field("address", uint64_t{read.address})
                .field("size", read.size)
                .field("value", read.value)
                .field("pc", uint64_t{read.pc})
                .end_object();
        }
        record.end_array();
    } else if (thread.wait.kind) {
        record.field("state", "waiting")
            .field("waits_for", thread.wait.kind->name)
            .field("object", uint64_t{thread.wait.object});
        ThreadId holder = thread.wait.kind->holder(thread);
        if (holder != kNoThread) record.field("holder", holder);
    } else {
        record.field("state", "runnable");
    }
    record.stack("stack", thread, thread.op_pc).end_object();
}

// The timer signal the program armed (alarm, setitimer) and handles itself, or 0. Its handler
// may change what the threads wait for, when the kernel's time has come; baton's time is
// virtual and the signal is not part of the schedule.
int armed_timer_signal() {
    const std::pair<int, int> timers[] = {{ITIMER_REAL, SIGALRM}, {ITIMER_VIRTUAL, SIGVTALRM}, {ITIMER_PROF, SIGPROF}};
    for (auto [timer, signal] : timers) {
        itimerval left{};
        if (getitimer(timer, &left) != 0 || (left.it_value.tv_sec == 0 && left.it_value.tv_usec == 0)) continue;
        struct sigaction action {};
        if (sigaction(signal, nullptr, &action) != 0) continue;
        bool handled = (action.sa_flags & SA_SIGINFO) ? action.sa_sigaction != nullptr
                                                      : action.sa_handler != SIG_DFL && action.sa_handler != SIG_IGN;
        if (handled) return signal;
    }
    return 0;
}

}  // namespace

void Execution::report_no_progress() {
    // Not a hang for certain: the signal's handler might end it. Better no verdict than a
    // wrong one.
    if (int signal = armed_timer_signal())
        fatal("every thread waits, and only the handler of SIG%s, armed by alarm() or setitimer(), could still "
              "change that; baton runs the threads in virtual time and does not deliver timer signals",
              sigabbrev_np(signal));
    bool spinning = parked_count_ > 0;
    std::vector<const Thread*> live(live_.begin(), live_.end());
    Record record("finding");
    record.field("kind", spinning ? "livelock" : "deadlock").begin_array("threads");
    for (const Thread* thread : live) describe_thread(record, *thread);
    record.end_array().creation_sites(live).send();
    stop();
}

void Execution::report_step_bound() {
    Thread& thread = *current_;
    Record record("finding");
    record.field("kind", "nontermination")
        .field("message", "the execution did not end within the step bound")
        .field("steps", max_steps_)
        .field("thread", thread.id)
        .stack("stack", thread, thread.op_pc)
        .creation_sites(thread)
        .send();
    stop();
}

void report_lock_misuse(const char* message, uintptr_t object, uintptr_t pc, ThreadId other) {
    Execution& ex = execution();
    Thread& thread = ex.current();
    Record record("finding");
    record.field("kind", "lock-misuse")
        .field("message", message)
        .field("object", uint64_t{object})
        .field("thread", thread.id);
    if (other != kNoThread) record.field("other", other);
    std::vector<const Thread*> named{&thread};
    if (other != kNoThread && other != thread.id && other < ex.thread_count())
        named.push_back(&ex.thread(other));
    record.stack("stack", thread, pc).creation_sites(named).send();
}

void report_self_deadlock(const char* message, uintptr_t object, uintptr_t pc) {
    Execution& ex = execution();
    Thread& thread = ex.current();
    thread.op_pc = pc;
    Record record("finding");
    record.field("kind", "deadlock")
        .field("message", message)
        .field("object", uint64_t{object})
        .begin_array("threads")
        .begin_object(nullptr)
        .field("thread", thread.id)
        .field("state", "waiting")
        .field("waits_for", "mutex")
        .field("object", uint64_t{object})
        .field("holder", thread.id)
        .stack("stack", thread, pc)
        .end_object()
        .end_array()
        .creation_sites(thread)
        .send();
    ex.stop();
}

}  // namespace baton::rt
