#include "runtime/execution.h"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runtime/fatal.h"
#include "runtime/fiber.h"
#include "runtime/program_pc.h"
#include "runtime/race_detector.h"
#include "runtime/server.h"
#include "runtime/signals.h"
#include "scheduler/protocol.h"

namespace baton::rt {

int g_runtime_depth = 0;
bool g_runtime_active = false;
Execution* g_execution = nullptr;

void boot_runtime() {
    if (g_execution) return;
    g_execution = new Execution();  // never destroyed: in use until the process ends
    g_execution->initialize();
}

namespace {

uint64_t number_setting(const Settings& settings, const char* name, uint64_t fallback) {
    const char* text = settings.get(name);
    if (!text || !*text) return fallback;
    char* end = nullptr;
    unsigned long long value = strtoull(text, &end, 10);
    if (*end != '\0') fatal("%s=%s is not a number", name, text);
    return value;
}

// A space-separated list of addresses, as 8-byte granules.
std::vector<uint64_t> granule_setting(const Settings& settings, const char* name) {
    std::vector<uint64_t> granules;
    const char* list = settings.get(name);
    for (const char* p = list; p && *p;) {
        char* end = nullptr;
        unsigned long long address = strtoull(p, &end, 10);
        if (end == p) fatal("%s=%s is not a list of addresses", name, list);
        granules.push_back(address & ~uint64_t{7});
        p = end;
        while (*p == ' ') ++p;
    }
    return granules;
}

constexpr uint64_t kDefaultMaxSteps = 200'000'000;

std::string read_all(int fd) {
    std::string text;
    char buffer[4096];
    for (;;) {
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        text.append(buffer, static_cast<size_t>(n));
    }
    close(fd);
    return text;
}

// A process that runs one execution reads its options from the environment.
class EnvironmentSettings : public Settings {
public:
    const char* get(const char* name) const override { return getenv(name); }
    std::string plan() const override {
        int fd = static_cast<int>(number_setting(*this, protocol::kEnvPlanFd, 0));
        return getenv(protocol::kEnvPlanFd) ? read_all(fd) : std::string();
    }
};

}  // namespace

void Execution::initialize() {
    RuntimeScope scope;
    // One malloc arena for every thread: glibc would give each new TLS block (each fiber) an
    // arena of its own, 64 MiB mappings that only a new process would lay out the same way.
    mallopt(M_ARENA_MAX, 1);
    // The heap grows in large steps and never shrinks: in server mode it then keeps the size
    // it had at the snapshot (growing and trimming it cost a TLB flush and page faults per
    // execution); set in every process alike, so memory reads the same in all of them.
    mallopt(M_TOP_PAD, 4 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    // Blocks up to 32 MiB (glibc's highest threshold) come from the heap too, not from
    // mappings of their own, which the reset cannot undo: a block of 128 KiB or more alive at
    // an execution's end made the next execution start a fresh process (mutual.c's schedule
    // text, two million switches, and the end record's copy of it: 7.5 MiB each).
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    shadow_ = ShadowMemory::create();
    auto* main_thread = new Thread();
    main_thread->id = 0;
    main_thread->fiber = Fiber::adopt_current();
    main_thread->clock.set(0, 1);
    threads_.push_back(main_thread);
    live_.push_back(main_thread);
    current_ = main_thread;

    note_program_code();
    Fiber::reserve_stack_pool();
    channel_.open();
    Record("start").field("pid", static_cast<int64_t>(getpid())).field("version", protocol::kVersion).send();
    install_signal_handlers();
    if (server_requested()) {
        // Until main, the program runs alone, as the one execution every request starts from;
        // run_server (runtime/server.cpp) configures each execution when its request comes.
        std::string error;
        strategy_ = scheduler::make_strategy(scheduler::StrategyConfig{}, error);
        strategy_->begin_execution();
        max_steps_ = kDefaultMaxSteps;
        prepare_watchdog();
    } else {
        configure(EnvironmentSettings());
    }
    g_runtime_active = true;
}

bool Execution::private_to_current(uintptr_t address) const {
    const Fiber* fiber = current_->fiber;
    if (!fiber) return false;
    return (address >= fiber->stack_low() && address < fiber->stack_high()) ||
           (address >= fiber->tls_low() && address < fiber->tls_high());
}

void Execution::configure(const Settings& settings) {
    scheduler::StrategyConfig config;
    if (const char* name = settings.get(protocol::kEnvStrategy)) config.name = name;
    config.seed = number_setting(settings, protocol::kEnvSeed, 0);
    config.pct_depth = static_cast<uint32_t>(number_setting(settings, protocol::kEnvPctDepth, 3));
    config.pct_steps = number_setting(settings, protocol::kEnvPctSteps, 1000);
    if (const char* end = settings.get(protocol::kEnvPlanEnd)) config.plan_end = end;
    config.unplanned = granule_setting(settings, protocol::kEnvUnplanned);
    if (config.name == "guided") config.schedule = settings.plan();
    std::string error;
    strategy_ = scheduler::make_strategy(config, error);
    if (!strategy_) fatal("%s", error.c_str());
    max_steps_ = number_setting(settings, protocol::kEnvMaxSteps, kDefaultMaxSteps);
    preempt_granules_ = granule_setting(settings, protocol::kEnvPreemptOn);
    preempt_all_ = number_setting(settings, protocol::kEnvPreemptAll, 0) != 0;
    std::sort(preempt_granules_.begin(), preempt_granules_.end());
    if (settings.get(protocol::kEnvTraceFd))
        trace_.open(static_cast<int>(number_setting(settings, protocol::kEnvTraceFd, 0)),
                    number_setting(settings, protocol::kEnvTraceLimit, 1'000'000));
    arm_watchdog(number_setting(settings, protocol::kEnvTimeLimitMs, 0));
    strategy_->begin_execution();
}

Thread* Execution::create_thread(void* (*start)(void*), void* arg, size_t stack_size,
                                 void* user_stack, bool detached, uintptr_t pc) {
    if (threads_.size() >= UINT16_MAX) return nullptr;  // shadow records hold 16-bit ids
    Thread& parent = *current_;
    auto* thread = new Thread();
    thread->id = static_cast<ThreadId>(threads_.size());
    thread->parent = parent.id;
    thread->start_routine = start;
    thread->start_arg = arg;
    thread->detached = detached;
    thread->create_pc = pc;
    thread->op = {scheduler::OpKind::Start, scheduler::thread_object(thread->id)};
    thread->fiber = Fiber::create(&Execution::thread_entry, thread, stack_size, user_stack);
    if (!thread->fiber) {
        delete thread;
        return nullptr;
    }
    // The TLS block (heap memory the runtime freed without telling itself) and a stack the
    // program supplied may hold history: forget it. A stack the runtime gave out was
    // forgotten when its last thread was reaped (or by the reset of the whole shadow).
    forget_memory_of(*thread->fiber, /*stack=*/user_stack != nullptr);
    // Everything the parent did so far happens before the child's first step.
    thread->clock.assign(parent.clock);
    thread->clock.set(thread->id, 1);
    parent.clock.tick(parent.id);
    threads_.push_back(thread);
    live_.push_back(thread);  // the highest id yet
    return thread;
}

void Execution::thread_entry(void* arg) {
    auto* thread = static_cast<Thread*>(arg);
    execution().reap_finished_fibers();
    g_runtime_depth = 0;  // from here on, the program's own code runs
    void* result = thread->start_routine(thread->start_arg);
    run_thread_destructors(*thread);
    ++g_runtime_depth;
    execution().exit_current(result);
}

void Execution::exit_current(void* result) {
    // The exit is a step of its own, ordered before the joins that wait for it.
    yield(0, {scheduler::OpKind::ThreadExit, scheduler::thread_object(current_->id)});
    Thread& thread = *current_;
    finish_pending_write(thread);
    thread.result = result;
    thread.status = ThreadStatus::Finished;
    thread.wait = Wait{};
    if (thread.parked_for_spin) thread.parked_for_spin = false, --parked_count_;
    live_.erase(std::lower_bound(live_.begin(), live_.end(), &thread,
                                 [](const Thread* a, const Thread* b) { return a->id < b->id; }));
    // Its clock is wanted once more, by the join; a detached thread's, never.
    if (thread.detached) thread.clock.release();
    if (Fiber* fiber = thread.fiber) {
        objects_.erase_range(fiber->stack_low(), fiber->stack_high());
        // Freed by the next thread to run: this code still runs on the fiber's stack.
        if (thread.id != 0) threads_to_reap_.push_back(&thread);
    }
    if (live_.empty()) {
        // The last thread ended (main called pthread_exit): the process exits with status 0.
        --g_runtime_depth;
        exit(0);
    }
    schedule();  // a finished thread is never chosen again
    fatal("finished thread %u was resumed", thread.id);
}

void Execution::forget_memory_of(const Fiber& fiber, bool stack) {
    if (stack) {
        shadow_->reset(fiber.stack_low(), fiber.stack_high());
        objects_.erase_range(fiber.stack_low(), fiber.stack_high());
    }
    if (fiber.tls_high() > fiber.tls_low()) {
        shadow_->reset(fiber.tls_low(), fiber.tls_high());
        objects_.erase_range(fiber.tls_low(), fiber.tls_high());
    }
}

void Execution::reap_finished_fibers() {
    for (Thread* thread : threads_to_reap_) {
        // The memory goes back to the heap (TLS) or to the stack cache: whoever gets it next
        // starts with no history.
        forget_memory_of(*thread->fiber);
        Fiber::destroy(thread->fiber);
        thread->fiber = nullptr;
    }
    threads_to_reap_.clear();
}

void Execution::yield(uintptr_t pc, scheduler::Operation op) {
    current_->op = op;
    if (pc != 0) current_->op_pc = program_pc(pc);
    schedule();
}

WakeReason Execution::wait(const WaitKind& kind, uintptr_t object, uintptr_t pc,
                           uint64_t deadline, uint64_t token) {
    Thread& thread = *current_;
    thread.wait = Wait{&kind, object, deadline, token, false};
    thread.op = {kind.op, kind.op == scheduler::OpKind::ThreadJoin
                              ? scheduler::thread_object(static_cast<uint32_t>(object))
                              : object};
    thread.op_pc = program_pc(pc);
    schedule();
    WakeReason reason = thread.wake_reason;
    thread.wait = Wait{};
    // A spurious wakeup is the scheduler's doing: the loop around the wait that sees
    // nothing changed is not the thread spinning.
    if (reason == WakeReason::Spurious) thread.reads_since_progress = 0, thread.spin_states.clear();
    return reason;
}

void Execution::collect_options(std::vector<scheduler::Option>& options) {
    using Kind = scheduler::Option::Kind;
    options.clear();
    size_t timeouts_begin = 0;
    for (Thread* thread : live_) {
        const Wait& wait = thread->wait;
        if (!wait.kind || wait.kind->ready(*thread)) options.push_back({thread->id, Kind::Run, thread->op});
    }
    timeouts_begin = options.size();
    // Every timed wait may time out, whatever the other deadlines: time then moves to its
    // deadline, if not there already. A thread whose deadline came first may be slow to run
    // again, as on a loaded machine, so deadlines do not order threads. It also keeps
    // timeouts independent of one another: a timeout is a step on its wait's object only.
    for (Thread* thread : live_) {
        const Wait& wait = thread->wait;
        if (wait.kind && wait.deadline != kNoDeadline && !wait.kind->ready(*thread))
            options.push_back({thread->id, Kind::Timeout, thread->op});
    }
    // Earliest deadline first: the order in which time would expire them.
    std::stable_sort(options.begin() + timeouts_begin, options.end(), [this](auto& a, auto& b) {
        return threads_[a.thread]->wait.deadline < threads_[b.thread]->wait.deadline;
    });
    // Offered even when nobody else can go on: that is a deadlock all the same (schedule), but
    // a search that moves steps around relies on an option staying open until a step on the
    // same object closes it.
    for (Thread* thread : live_) {
        const Wait& wait = thread->wait;
        if (wait.kind && wait.kind->spurious_wakeups && wait.deadline == kNoDeadline && !wait.kind->ready(*thread))
            options.push_back({thread->id, Kind::SpuriousWakeup, thread->op});
    }
}

namespace {

// Fairness, as an operating system's time slice gives it: a thread that has taken this many
// steps in a row while another thread could run is asked to let it. A poller that counts its
// polls makes progress, so it is not parked as a spin, and would otherwise starve the thread
// that sets its flag: a correct program reported as a hang.
constexpr uint32_t kFairSteps = 1000;

bool another_can_run(const std::vector<scheduler::Option>& options, ThreadId self) {
    for (const scheduler::Option& option : options)
        if (option.kind == scheduler::Option::Kind::Run && option.thread != self) return true;
    return false;
}

}  // namespace

void Execution::schedule() {
    Thread& self = *current_;
    in_schedule_ = true;
    finish_pending_write(self);
    collect_options(options_);
    // Nobody can go on unless woken spuriously: a deadlock, unless a plan says otherwise (a
    // search explores what a spurious wakeup there would do).
    bool stuck = std::none_of(options_.begin(), options_.end(), [](const scheduler::Option& option) {
        return option.kind != scheduler::Option::Kind::SpuriousWakeup;
    });
    if (stuck && !strategy_->plans_next_step()) report_no_progress();
    if (++steps_ > max_steps_) report_step_bound();
    size_t pick = 0;
    if (options_.size() > 1 || strategy_->sees_every_step()) {
        bool let_others = self.parked_for_spin || (run_length_ >= kFairSteps && another_can_run(options_, self.id));
        pick = strategy_->choose(options_, self.id, let_others);
        if (pick == scheduler::kStopDiverged || pick == scheduler::kStopSleepBlocked ||
            pick == scheduler::kStopPlanEnded)
            end_guided_execution(pick);
        if (pick >= options_.size()) fatal("strategy chose option %zu of %zu", pick, options_.size());
    }
    in_schedule_ = false;
    scheduler::Option option = options_[pick];
    run_length_ = option.thread == self.id ? run_length_ + 1 : 0;
    schedule_.add({option.thread, option.kind});
    trace_.step(option, threads_[option.thread]->op_pc, options_);
    Thread& next = *threads_[option.thread];
    if (next.wait.kind) {
        switch (option.kind) {
        case scheduler::Option::Kind::Run: next.wake_reason = WakeReason::Ready; break;
        case scheduler::Option::Kind::Timeout:
            next.wake_reason = WakeReason::Timeout;
            now_ = std::max(now_, next.wait.deadline);
            break;
        case scheduler::Option::Kind::SpuriousWakeup: next.wake_reason = WakeReason::Spurious; break;
        }
    }
    switch_to(next);
}

void Execution::switch_to(Thread& next) {
    Thread* previous = current_;
    if (&next == previous) return;
    current_ = &next;
    int depth = g_runtime_depth;  // each thread has its own nesting of runtime code
    previous->fiber->switch_to(*next.fiber);
    // Back in `previous`, chosen again by some other thread's scheduling point.
    g_runtime_depth = depth;
    reap_finished_fibers();
}

void Execution::end_as_redundant(uintptr_t pc, scheduler::Operation op) {
    current_->op = op;  // what the thread would do next, for the trace's pending operations
    current_->op_pc = program_pc(pc);
    end_guided_execution(scheduler::kStopRepeatedWait);
}

void Execution::end_guided_execution(size_t verdict) {
    const char* kind = verdict == scheduler::kStopDiverged  ? "diverged"
                       : verdict == scheduler::kStopPlanEnded ? "plan-ended"
                       : verdict == scheduler::kStopRepeatedWait ? "repeated-wait"
                                                              : "sleep-blocked";
    Record record(kind);
    const std::string& line = record.field("step", steps_ - 1).text();
    if (!hold_end_record(line)) channel_.write_line(line);
    fflush(nullptr);
    finish();
    _exit(protocol::kExitStopped);
}

void Execution::unpark_readers(uintptr_t address, uint32_t size) {
    for (Thread* thread : live_) {
        if (!thread->parked_for_spin || thread == current_) continue;
        for (const SpinRead& read : thread->spin_reads) {
            if (read.address < address + size && address < read.address + read.size) {
                thread->parked_for_spin = false;
                --parked_count_;
                break;
            }
        }
    }
}

void Execution::after_fork_in_child() {
    for (Thread* thread : threads_) {
        if (thread == current_ || thread->status != ThreadStatus::Live) continue;
        thread->status = ThreadStatus::Finished;
        thread->fiber = nullptr;  // its stack is not ours to free in this process
    }
    live_ = {current_};
    parked_count_ = current_->parked_for_spin ? 1 : 0;
    channel_.after_fork();
}

void Execution::finish() {
    if (finished_ || !g_runtime_active) return;
    finish_pending_write(*current_);
    strategy_->end_execution();
    record_pending_operations();
    trace_.flush();
    Record end("end");
    const std::string& line = end.field("steps", steps_)
                                  .field("threads", static_cast<uint64_t>(threads_.size()))
                                  .field("schedule", schedule_.text())
                                  .text();
    if (!hold_end_record(line)) channel_.write_line(line);
    finished_ = true;
    g_runtime_active = false;
    if (channel_.standalone() && channel_.findings() > 0) {
        // Run on its own, like a ThreadSanitizer build: findings make the exit status 66.
        fprintf(stderr, "baton: %u finding(s); run this program with `baton check` for the report\n",
                channel_.findings());
        fflush(nullptr);
        _exit(protocol::kExitStandaloneFindings);
    }
}

// What each thread was about to do, so that a search sees what the others could have done
// instead of the last steps. The running thread has no operation pending unless the execution
// ends at its scheduling point (a deadlock, a redundant guided execution); there, the
// options say who could have gone on. In a signal handler the trace must not grow
// (`may_grow`): the signal may have come inside malloc.
void Execution::record_pending_operations(bool may_grow) {
    for (Thread* thread : live_) {
        if (thread->status != ThreadStatus::Live || (thread == current_ && !in_schedule_)) continue;
        uint8_t options = 0;
        if (in_schedule_)
            for (const scheduler::Option& option : options_)
                if (option.thread == thread->id) options |= 1u << static_cast<unsigned>(option.kind);
        trace_.pending(thread->id, thread->op, thread->op_pc, options, may_grow);
    }
}

void Execution::report_abrupt_end() {
    leave_server();  // the process ends for real: nothing can be trusted to reset
    flush_held_records();
    std::string text = schedule_.text();
    Record("schedule", /*signal_safe=*/true).field("schedule", text.c_str()).send();
    // Interrupted inside the runtime (the watchdog), the recorder may be halfway through a
    // step: what was pending is not known.
    if (g_runtime_depth == 0) record_pending_operations(/*may_grow=*/false);
    trace_.flush(/*exact=*/true);
}

void Execution::stop() {
    fflush(nullptr);  // the program's buffered output belongs in its output
    finish();
    _exit(protocol::kExitStopped);
}

}  // namespace baton::rt
