// The runtime's record of one user-level thread of the program under test.
//
// Invariant: exactly one Thread is `current` (Engine::current()); all others are suspended at
// a scheduling point inside the runtime, each with a `wait` saying what it needs to proceed
// (or none, when it was merely preempted).
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/call_stack.h"
#include "runtime/fiber.h"
#include "runtime/vector_clock.h"
#include "scheduler/operation.h"

namespace baton::rt {

struct Thread;

// What a waiting thread waits for. Each primitive defines one WaitKind per way of waiting;
// the engine evaluates `ready` at every scheduling point to know who can run.
struct WaitKind {
    const char* name;                   // "mutex", "join", "condition variable", ...
    bool (*ready)(const Thread& waiter);
    ThreadId (*holder)(const Thread& waiter);  // who must act first (reports), or kNoThread
    bool spurious_wakeups;              // may a waiter return without being woken?
    scheduler::OpKind op;               // what the waiter does when it proceeds
};

constexpr uint64_t kNoDeadline = UINT64_MAX;

struct Wait {
    const WaitKind* kind = nullptr;  // null: not waiting
    uintptr_t object = 0;            // address of what is waited on
    uint64_t deadline = kNoDeadline; // virtual nanoseconds
    uint64_t token = 0;              // primitive-specific (barrier generation, futex value, ...)
    bool woken = false;              // set by a signal, broadcast or futex wake
};

// How a wait ended, as the scheduler decided.
enum class WakeReason : uint8_t { Ready, Timeout, Spurious };

enum class ThreadStatus : uint8_t { Live, Finished };

// A read remembered while a thread is suspected of spinning: if it is parked, a write to any
// of these locations by another thread wakes it.
struct SpinRead {
    uintptr_t address;
    uint32_t size;
    uint64_t value;
    uintptr_t pc;
};

struct Thread {
    ThreadId id = 0;
    ThreadId parent = kNoThread;
    ThreadStatus status = ThreadStatus::Live;
    Fiber* fiber = nullptr;

    // Start and end.
    void* (*start_routine)(void*) = nullptr;
    void* start_arg = nullptr;
    void* result = nullptr;
    bool detached = false;
    bool joined = false;
    uintptr_t create_pc = 0;

    // Scheduling.
    Wait wait;
    WakeReason wake_reason = WakeReason::Ready;
    scheduler::Operation op{scheduler::OpKind::Start, 0};  // the visible operation in progress
    uintptr_t op_pc = 0;  // its call site
    uintptr_t op_sp = 0;  // the program's stack pointer at that call

    // Condition waits (runtime/condvar.cpp). The thread is among a condition variable's
    // waiters from its CondWait step until it returns, the release of the mutex included.
    struct CondWaiter {
        uintptr_t cond = 0;  // 0: none
        uint64_t order = 0;  // a signal wakes the oldest waiter
        bool woken = false;  // by a signal or broadcast
    } cond_waiter;
    uintptr_t spurious_from = 0;  // the condition variable it woke from spuriously, nothing written since

    // Happens-before.
    VectorClock clock;
    VectorClock release_fence_clock;  // clock at the last release fence (for relaxed stores)
    VectorClock acquire_fence_clock;  // what relaxed loads saw, for the next acquire fence

    // __tsan_ignore_thread_begin/end nesting: accesses are not checked while non-zero.
    uint32_t ignore_accesses = 0;

    // Call stack, kept by __tsan_func_entry/exit, for reports.
    CallStack calls;

    // Busy-wait detection (runtime/spin_detector.h).
    uint32_t reads_since_progress = 0;
    uint32_t spin_threshold = 4;  // kSpinThreshold
    std::vector<uint64_t> spin_states;
    std::vector<SpinRead> spin_reads;
    bool parked_for_spin = false;

    // pthread keys / C11 tss: values indexed by key.
    std::vector<void*> key_values;

    // Deferred cancellation.
    bool cancel_requested = false;
    bool cancel_enabled = true;

    // A write whose value is filled in at the thread's next runtime entry (race reports
    // want the value written, which exists only after the store the callback precedes).
    struct PendingWrite {
        uint64_t* value_slot = nullptr;
        uintptr_t address = 0;
        uint32_t size = 0;
        bool report_race = false;
        bool trace_value = false;  // the value goes into the trace's last step (a racy write's)
    } pending_write;
};

}  // namespace baton::rt
