// The __tsan_atomic* ABI: every atomic operation of the program, of every width. Each one
// is a scheduling point (the strategy may preempt before it) and then executes at once.
// Happens-before follows the memory order, as C11 and ThreadSanitizer define it:
// - an acquire (or stronger) load synchronizes with the release sequence it reads from;
//   a relaxed load only remembers it for a later acquire fence;
// - a release store starts a release sequence; a relaxed store ends it (C++20), except that
//   after a release fence it carries the fence's clock;
// - read-modify-writes continue the release sequence, adding their own clock if release;
// - fences turn earlier relaxed loads into acquires / later relaxed stores into releases;
//   seq_cst fences are also totally ordered among themselves.
#include <cstdint>

#include "runtime/entry_points.h"
#include "runtime/spin_detector.h"

using namespace baton::rt;

namespace {

enum MemoryOrder { kRelaxed, kConsume, kAcquire, kRelease, kAcqRel, kSeqCst };

int order(int mo) { return mo & 0x7; }  // gcc may add HLE flags in the upper bits
bool is_acquire(int mo) { return order(mo) != kRelaxed && order(mo) != kRelease; }
bool is_release(int mo) {
    return order(mo) == kRelease || order(mo) == kAcqRel || order(mo) == kSeqCst;
}

struct AtomicLocation : SyncObject {
    static constexpr SyncKind kKind = SyncKind::Atomic;
    AtomicLocation() : SyncObject(kKind) {}
};

VectorClock& seq_cst_fence_clock() {
    static auto* clock = new VectorClock();
    return *clock;
}

// The prologue of every atomic operation: a scheduling point. Returns the thread to run it.
Thread& begin_atomic(uintptr_t pc, uintptr_t caller_sp, scheduler::OpKind op, const volatile void* address) {
    Thread& thread = enter_runtime(caller_sp);
    execution().yield(pc, {op, reinterpret_cast<uintptr_t>(address)});
    return thread;
}

void acquire(Thread& thread, uintptr_t address, int mo) {
    auto* location = execution().objects().find<AtomicLocation>(address);
    if (!location) return;
    if (is_acquire(mo))
        thread.clock.join(location->clock);
    else
        thread.acquire_fence_clock.join(location->clock);
}

void release_store(Thread& thread, uintptr_t address, int mo) {
    auto& location = execution().objects().get<AtomicLocation>(address);
    if (is_release(mo)) {
        location.clock.assign(thread.clock);
        thread.clock.tick(thread.id);
    } else {
        location.clock.assign(thread.release_fence_clock);  // empty without a release fence
    }
}

void release_rmw(Thread& thread, uintptr_t address, int mo) {
    auto& location = execution().objects().get<AtomicLocation>(address);
    if (is_release(mo)) {
        location.clock.join(thread.clock);
        thread.clock.tick(thread.id);
    } else {
        location.clock.join(thread.release_fence_clock);
    }
}

void after_read(Thread& thread, uintptr_t address, size_t size, uintptr_t pc, uintptr_t sp) {
    check_access(thread, address, size, kAccessRead | kAccessAtomic, pc);
    observe_read(thread, address, size, pc, sp);
}

void after_write(Thread& thread, uintptr_t address, size_t size, uintptr_t pc) {
    check_access(thread, address, size, kAccessWrite | kAccessAtomic, pc);
    observe_progress(thread);
    execution().notify_write(address, static_cast<uint32_t>(size));
}

// One OS thread runs the program, so a plain access is atomic; 128-bit values would
// otherwise need libatomic.
template <class T>
T plain_load(const volatile T* p) { return *p; }

template <class T>
T load(const volatile T* pointer, int mo, uintptr_t pc, uintptr_t sp) {
    if (!g_runtime_active) return plain_load(pointer);
    RuntimeScope scope;
    Thread& thread = begin_atomic(pc, sp, scheduler::OpKind::AtomicLoad, pointer);
    auto address = reinterpret_cast<uintptr_t>(pointer);
    T value = plain_load(pointer);
    execution().note_value(static_cast<uint64_t>(value));
    acquire(thread, address, mo);
    after_read(thread, address, sizeof(T), pc, sp);
    return value;
}

template <class T>
void store(volatile T* pointer, T value, int mo, uintptr_t pc) {
    if (!g_runtime_active) {
        *pointer = value;
        return;
    }
    RuntimeScope scope;
    Thread& thread = begin_atomic(pc, 0, scheduler::OpKind::AtomicStore, pointer);
    auto address = reinterpret_cast<uintptr_t>(pointer);
    *pointer = value;
    execution().note_value(static_cast<uint64_t>(value));
    release_store(thread, address, mo);
    after_write(thread, address, sizeof(T), pc);
}

enum class Rmw { Exchange, Add, Sub, And, Or, Xor, Nand };

template <class T>
T apply(Rmw op, T old, T operand) {
    switch (op) {
    case Rmw::Exchange: return operand;
    case Rmw::Add: return static_cast<T>(old + operand);
    case Rmw::Sub: return static_cast<T>(old - operand);
    case Rmw::And: return static_cast<T>(old & operand);
    case Rmw::Or: return static_cast<T>(old | operand);
    case Rmw::Xor: return static_cast<T>(old ^ operand);
    case Rmw::Nand: return static_cast<T>(~(old & operand));
    }
    return old;
}

template <class T>
T read_modify_write(volatile T* pointer, T operand, int mo, Rmw op, uintptr_t pc) {
    if (!g_runtime_active) {
        T old = *pointer;
        *pointer = apply(op, old, operand);
        return old;
    }
    RuntimeScope scope;
    Thread& thread = begin_atomic(pc, 0, scheduler::OpKind::AtomicRmw, pointer);
    auto address = reinterpret_cast<uintptr_t>(pointer);
    T old = *pointer;
    *pointer = apply(op, old, operand);
    execution().note_value(static_cast<uint64_t>(*pointer));
    acquire(thread, address, mo);
    release_rmw(thread, address, mo);
    after_write(thread, address, sizeof(T), pc);
    return old;
}

// Returns the value found; the exchange happened iff it equals `expected`.
template <class T>
T compare_exchange(volatile T* pointer, T expected, T desired, int mo, int failure_mo,
                   uintptr_t pc, uintptr_t sp) {
    if (!g_runtime_active) {
        T old = *pointer;
        if (old == expected) *pointer = desired;
        return old;
    }
    RuntimeScope scope;
    Thread& thread = begin_atomic(pc, sp, scheduler::OpKind::AtomicRmw, pointer);
    auto address = reinterpret_cast<uintptr_t>(pointer);
    T old = *pointer;
    execution().note_value(static_cast<uint64_t>(old == expected ? desired : old));
    if (old == expected) {
        *pointer = desired;
        acquire(thread, address, mo);
        release_rmw(thread, address, mo);
        after_write(thread, address, sizeof(T), pc);
    } else {
        acquire(thread, address, failure_mo);
        after_read(thread, address, sizeof(T), pc, sp);  // a failed CAS in a loop may spin
    }
    return old;
}

void fence(int mo) {
    if (!g_runtime_active || order(mo) == kRelaxed) return;
    RuntimeScope scope;
    Thread& thread = enter_runtime(0);
    if (is_acquire(mo)) thread.clock.join(thread.acquire_fence_clock);
    if (order(mo) == kSeqCst) {
        thread.clock.join(seq_cst_fence_clock());
        seq_cst_fence_clock().join(thread.clock);
    }
    if (is_release(mo)) {
        thread.release_fence_clock.assign(thread.clock);
        thread.clock.tick(thread.id);
    }
}

}  // namespace

#define BATON_ATOMICS(bits, T)                                                                    \
    extern "C" T __tsan_atomic##bits##_load(const volatile T* a, int mo) {                        \
        return load(a, mo, BATON_CALLER_PC, BATON_CALLER_SP);                                     \
    }                                                                                             \
    extern "C" void __tsan_atomic##bits##_store(volatile T* a, T v, int mo) {                     \
        store(a, v, mo, BATON_CALLER_PC);                                                         \
    }                                                                                             \
    extern "C" T __tsan_atomic##bits##_exchange(volatile T* a, T v, int mo) {                     \
        return read_modify_write(a, v, mo, Rmw::Exchange, BATON_CALLER_PC);                       \
    }                                                                                             \
    extern "C" T __tsan_atomic##bits##_fetch_add(volatile T* a, T v, int mo) {                    \
        return read_modify_write(a, v, mo, Rmw::Add, BATON_CALLER_PC);                            \
    }                                                                                             \
    extern "C" T __tsan_atomic##bits##_fetch_sub(volatile T* a, T v, int mo) {                    \
        return read_modify_write(a, v, mo, Rmw::Sub, BATON_CALLER_PC);                            \
    }                                                                                             \
    extern "C" T __tsan_atomic##bits##_fetch_and(volatile T* a, T v, int mo) {                    \
        return read_modify_write(a, v, mo, Rmw::And, BATON_CALLER_PC);                            \
    }                                                                                             \
    extern "C" T __tsan_atomic##bits##_fetch_or(volatile T* a, T v, int mo) {                     \
        return read_modify_write(a, v, mo, Rmw::Or, BATON_CALLER_PC);                             \
    }                                                                                             \
    extern "C" T __tsan_atomic##bits##_fetch_xor(volatile T* a, T v, int mo) {                    \
        return read_modify_write(a, v, mo, Rmw::Xor, BATON_CALLER_PC);                            \
    }                                                                                             \
    extern "C" T __tsan_atomic##bits##_fetch_nand(volatile T* a, T v, int mo) {                   \
        return read_modify_write(a, v, mo, Rmw::Nand, BATON_CALLER_PC);                           \
    }                                                                                             \
    extern "C" int __tsan_atomic##bits##_compare_exchange_strong(volatile T* a, T* expected,      \
                                                                  T desired, int mo, int fmo) {   \
        T old = compare_exchange(a, *expected, desired, mo, fmo, BATON_CALLER_PC, BATON_CALLER_SP); \
        if (old == *expected) return 1;                                                           \
        *expected = old;                                                                          \
        return 0;                                                                                 \
    }                                                                                             \
    extern "C" int __tsan_atomic##bits##_compare_exchange_weak(volatile T* a, T* expected,        \
                                                                T desired, int mo, int fmo) {     \
        T old = compare_exchange(a, *expected, desired, mo, fmo, BATON_CALLER_PC, BATON_CALLER_SP); \
        if (old == *expected) return 1;                                                           \
        *expected = old;                                                                          \
        return 0;                                                                                 \
    }                                                                                             \
    extern "C" T __tsan_atomic##bits##_compare_exchange_val(volatile T* a, T expected, T desired, \
                                                             int mo, int fmo) {                   \
        return compare_exchange(a, expected, desired, mo, fmo, BATON_CALLER_PC, BATON_CALLER_SP); \
    }

BATON_ATOMICS(8, uint8_t)
BATON_ATOMICS(16, uint16_t)
BATON_ATOMICS(32, uint32_t)
BATON_ATOMICS(64, uint64_t)
BATON_ATOMICS(128, unsigned __int128)

extern "C" void __tsan_atomic_thread_fence(int mo) { fence(mo); }
extern "C" void __tsan_atomic_signal_fence(int) {}
