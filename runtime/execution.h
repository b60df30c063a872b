// One execution of the program under test: its threads, the scheduling points where the
// strategy decides who runs, virtual time, and the state the oracles share (shadow memory,
// sync objects, stacks). There is one Execution per process, reached through `execution()`.
//
// Invariants:
// - exactly one thread runs (current()); every other live thread is suspended inside
//   schedule(), and is switched to only when the strategy chose it, which it can only do
//   for a thread whose wait is ready (Run), has a deadline (Timeout), or allows spurious
//   wakeups (Spurious);
// - runtime code never uses thread-local storage: %fs belongs to the running user thread.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "runtime/report_channel.h"
#include "runtime/shadow_memory.h"
#include "runtime/stack_depot.h"
#include "runtime/sync_objects.h"
#include "runtime/thread.h"
#include "runtime/trace_recorder.h"
#include "scheduler/schedule.h"
#include "scheduler/strategy.h"

namespace baton::rt {

// Lets code outside namespace baton::rt (the interposed extern "C" functions) name
// scheduler types the same way.
namespace scheduler = ::baton::scheduler;

// Where an execution's options come from: the environment (a process per execution) or a
// request read by the server loop (runtime/server.h). Names are protocol.h's kEnv* names.
class Settings {
public:
    virtual ~Settings() = default;
    virtual const char* get(const char* name) const = 0;  // null if not set
    virtual std::string plan() const = 0;                  // "guided": the plan to follow
};

class Execution {
public:
    // Called once, from the runtime's constructor or __tsan_init, whichever runs first: boots
    // the runtime and, unless this process serves many executions, configures the first.
    void initialize();
    // Configures the execution that is about to start: strategy, bounds, trace, preemption
    // points and watchdog. Once per process, or once per request in server mode.
    void configure(const Settings& settings);

    Thread& current() { return *current_; }
    Thread& thread(ThreadId id) { return *threads_[id]; }
    size_t thread_count() const { return threads_.size(); }
    const std::vector<Thread*>& threads() const { return threads_; }
    const std::vector<Thread*>& live_threads() const { return live_; }  // by id

    // Thread lifecycle.
    Thread* create_thread(void* (*start)(void*), void* arg, size_t stack_size, void* user_stack,
                          bool detached, uintptr_t pc);
    [[noreturn]] void exit_current(void* result);

    // Scheduling points, each before a visible operation `op` (which the scheduler sees, to
    // tell which steps commute). `yield` lets the strategy preempt the current thread; `wait`
    // suspends it until `kind.ready` holds (or a timeout or spurious wakeup, if allowed).
    void yield(uintptr_t pc, scheduler::Operation op);
    WakeReason wait(const WaitKind& kind, uintptr_t object, uintptr_t pc,
                    uint64_t deadline = kNoDeadline, uint64_t token = 0);

    // Is a plain access to [address, address + size) a scheduling point (a racy location, or
    // any shared one with `--preempt all`)?
    bool preempts_at(uintptr_t address, size_t size) const {
        if (preempt_all_ && live_.size() > 1) return !private_to_current(address);
        if (preempt_granules_.empty()) return false;
        for (uintptr_t granule = address & ~uintptr_t{7}; granule < address + size; granule += 8)
            if (std::binary_search(preempt_granules_.begin(), preempt_granules_.end(), granule)) return true;
        return false;
    }

    // The value the current step's operation read or wrote, for the trace.
    void note_value(uint64_t value) { trace_.value(value); }
    // On the way out of what ends the process without finish() (a memory fault, the
    // watchdog, an abort when not served by a server): send the schedule that led here and
    // write the trace recorded so far.
    void report_abrupt_end();

    // Virtual time, in nanoseconds since the start of the execution.
    uint64_t now() const { return now_; }
    void advance_time(uint64_t ns) { now_ += ns; }

    // Busy-wait parking (runtime/spin_detector.cpp): wake parked threads that read [address,
    // address + size). Cheap when nobody is parked.
    void notify_write(uintptr_t address, uint32_t size) {
        if (parked_count_ != 0) unpark_readers(address, size);
    }
    void park_current(uintptr_t pc);
    uint32_t parked_count() const { return parked_count_; }

    // Does the strategy end an execution in which a thread repeats a condition wait it woke from
    // spuriously, having changed nothing (runtime/condvar.cpp)? It does so with
    // end_as_redundant, the thread about to take `op` at `pc`.
    bool ends_repeated_waits() const { return strategy_->ends_repeated_waits(); }
    [[noreturn]] void end_as_redundant(uintptr_t pc, scheduler::Operation op);

    // End the execution now because of a finding already reported.
    [[noreturn]] void stop();
    // The program is exiting (exit, _exit, return from main): report the end of the execution.
    void finish();
    // In a child created by fork(): only the calling thread survives.
    void after_fork_in_child();

    ShadowMemory& shadow() { return *shadow_; }
    StackDepot& stacks() { return stacks_; }
    SyncObjects& objects() { return objects_; }
    ReportChannel& channel() { return channel_; }

    // Options of the run, from the environment.
    uint64_t max_steps() const { return max_steps_; }
    // Scheduling points so far (before main, in server mode: those are part of the snapshot).
    uint64_t steps() const { return steps_; }
    // Bytes of trace written at the end of the execution (0: none).
    uint64_t trace_bytes() const { return trace_.written(); }

private:
    void record_pending_operations(bool may_grow = true);
    // On the running thread's own stack or in its TLS block: memory no other thread is
    // likely to touch, not worth a scheduling point.
    bool private_to_current(uintptr_t address) const;
    void schedule();
    void collect_options(std::vector<scheduler::Option>& options);
    [[noreturn]] void report_no_progress();
    [[noreturn]] void report_step_bound();
    void switch_to(Thread& next);
    void reap_finished_fibers();
    void forget_memory_of(const Fiber& fiber, bool stack = true);
    void unpark_readers(uintptr_t address, uint32_t size);
    [[noreturn]] void end_guided_execution(size_t verdict);
    static void thread_entry(void* arg);

    bool finished_ = false;
    bool in_schedule_ = false;  // the current thread is at a scheduling point
    Thread* current_ = nullptr;
    std::vector<Thread*> threads_;  // every thread the execution created, by id
    // Those not finished, by id: a step looks at these only, so that a program that creates
    // and joins thousands of threads in turn does not pay at every step for the finished.
    std::vector<Thread*> live_;
    std::vector<Thread*> threads_to_reap_;  // finished; their fibers await freeing
    std::vector<scheduler::Option> options_;
    std::unique_ptr<scheduler::Strategy> strategy_;
    uint64_t steps_ = 0;
    uint64_t max_steps_ = 0;
    uint64_t now_ = 0;
    uint32_t parked_count_ = 0;
    uint32_t run_length_ = 0;  // steps the current thread has taken in a row
    scheduler::ScheduleWriter schedule_;  // every step's choice (scheduler/schedule.h)
    TraceRecorder trace_;
    std::vector<uintptr_t> preempt_granules_;  // sorted; see preempts_at
    // `--preempt all`. Only while another thread lives: before the first pthread_create (the
    // program's constructors included) and after the last join nothing can interleave.
    bool preempt_all_ = false;

    ShadowMemory* shadow_ = nullptr;  // outlives in-process resets (ShadowMemory::create)
    StackDepot stacks_;
    SyncObjects objects_;
    ReportChannel channel_;
};

// The one Execution of this process; valid once g_runtime_active has been set.
extern Execution* g_execution;
inline Execution& execution() { return *g_execution; }

// True from the end of initialize() until the program exits: the instrumentation
// callbacks and interposed functions do nothing (but forward) outside that window.
extern bool g_runtime_active;

// Creates and initializes the Execution on first call (from the runtime's constructor or
// from __tsan_init, whichever runs first).
void boot_runtime();

// Runs what must run when a thread ends (pthread key destructors, C++ thread_local
// destructors); program code, so called outside any RuntimeScope. Defined in keys.cpp.
void run_thread_destructors(Thread& thread);

// Depth of runtime code on the stack of the running thread: interposed libc functions that
// the runtime itself calls (memcpy, malloc, ...) do no bookkeeping when it is non-zero.
extern int g_runtime_depth;

struct RuntimeScope {
    RuntimeScope() { ++g_runtime_depth; }
    ~RuntimeScope() { --g_runtime_depth; }
    RuntimeScope(const RuntimeScope&) = delete;
    RuntimeScope& operator=(const RuntimeScope&) = delete;
};

}  // namespace baton::rt
