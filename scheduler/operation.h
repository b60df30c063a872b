// The visible operation a thread is about to perform at a scheduling point, as the scheduler
// sees it: what kind, on which object. Partial-order reduction needs no more than this to
// decide whether two steps commute.
//
// Objects are addresses (a mutex, a condition variable, an atomic's location), except for
// threads, which are encoded as small numbers (`thread_object`) no address can equal.
#pragma once

#include <cstdint>

namespace baton::scheduler {

enum class OpKind : uint8_t {
    Start,          // a thread's first step
    Yield,          // sched_yield, or a preemption point with no effect of its own
    ThreadCreate,   // object: the new thread
    ThreadJoin,     // object: the joined thread
    ThreadExit,     // object: the exiting thread
    MutexLock,
    MutexTryLock,
    MutexUnlock,
    CondWait,       // releases the mutex and blocks
    CondWake,       // returns from the wait (signalled, timed out or spurious)
    CondSignal,
    CondBroadcast,
    ReadLock,
    WriteLock,
    RwUnlock,
    SemWait,
    SemPost,
    BarrierWait,
    Once,
    AtomicLoad,
    AtomicStore,
    AtomicRmw,
    Fence,
    FutexWait,
    FutexWake,
    Sleep,
    BusyWait,       // parked as a spin loop; object: the first location it spins on
    PlainRead,      // a plain access to a location found racy (a data-race preemption point)
    PlainWrite,
    kCount,
};

struct Operation {
    OpKind kind = OpKind::Yield;
    uint64_t object = 0;  // 0: touches nothing shared (independent of everything)
};

constexpr uint64_t kMaxThreadObject = 1u << 16;
constexpr uint64_t thread_object(uint32_t thread) { return thread + 1; }

const char* op_name(OpKind kind);

// Two operations of different threads are dependent when executing them in the other order
// may give a different result. Deliberately coarse: every pair of operations on the same
// object (two loads included), never operations on different objects.
inline bool dependent(const Operation& a, const Operation& b) {
    return a.object != 0 && a.object == b.object;
}

// Whether two dependent operations of different threads can both be enabled in one state.
// A lock that blocks cannot be enabled while its holder's unlock is. Operations on a thread
// never can: its creation comes before all its steps, and a join is enabled only after them.
inline bool may_be_co_enabled(const Operation& a, const Operation& b) {
    if (a.object != 0 && a.object <= kMaxThreadObject) return false;
    auto pair = [&](OpKind x, OpKind y) {
        return (a.kind == x && b.kind == y) || (a.kind == y && b.kind == x);
    };
    return !pair(OpKind::MutexLock, OpKind::MutexUnlock);
}

}  // namespace baton::scheduler
