// A Fiber is the machine side of a user-level thread: its stack, its saved registers and its
// thread-local storage block. Switching fibers never enters the kernel: the registers are
// swapped in assembly and the thread pointer (%fs base) with `wrfsbase` when the kernel allows
// it (Linux >= 5.9 sets HWCAP2_FSGSBASE). Without it, moving the thread pointer would be a
// system call: instead it stays at the initial thread's block, and a switch copies the TLS
// blocks in and out of there (the TLS window, fiber.cpp).
//
// Thread-local storage: each fiber but the first owns a TLS block allocated by the dynamic
// linker (`_dl_allocate_tls`), so `__thread` variables, `errno` and the C++ exception globals
// are per fiber, exactly as they are per pthread. The block's thread control block copies the
// fields glibc reads from the initial thread's (stack guard, pointer guard, tid), so canaries,
// mangled pointers and glibc's recursive locks keep working after a switch.
#pragma once

#include <cstddef>
#include <cstdint>

namespace baton::rt {

class Fiber {
public:
    using Entry = void (*)(void* arg);

    // A thread's stack unless the program asks for another size: glibc's default (8 MiB)
    // plus room for the runtime, which runs on thread stacks.
    static constexpr size_t kDefaultStackSize = (size_t{8} << 20) + (size_t{64} << 10);

    // Reserves the pool that default-sized stacks come from (at start-up, before main).
    static void reserve_stack_pool();
    // For the in-process reset (runtime/server.h): which pool slots were used since the
    // process started (bit i: slot i), and zeroing some, so that they read as a new
    // process's stacks would.
    static uint64_t stack_pool_touched();
    static void zero_pool_stacks(uint64_t slots);
    // The pool's address range (with zero_pool_stacks' bookkeeping), which a snapshot leaves out.
    static void stack_pool_range(uintptr_t& begin, uintptr_t& end);

    // The fiber of the code that is running now (the process's initial thread).
    static Fiber* adopt_current();
    // A new fiber that will call entry(arg) when first switched to. `user_stack`, if not null,
    // is a stack the program supplied (pthread_attr_setstack): it is used as is, no guard.
    static Fiber* create(Entry entry, void* arg, size_t stack_size, void* user_stack);
    // Frees the stack and TLS of a fiber that has finished. Never the running fiber.
    static void destroy(Fiber* fiber);

    // Saves the running context into `this` and resumes `next`.
    void switch_to(Fiber& next);

    // The usable stack: [stack_low, stack_high). The guard page lies just below stack_low.
    uintptr_t stack_low() const { return stack_low_; }
    uintptr_t stack_high() const { return stack_high_; }
    uintptr_t guard_low() const { return guard_low_; }
    bool in_guard_page(uintptr_t address) const {
        return address >= guard_low_ && address < stack_low_;
    }
    void* thread_pointer() const { return tcb_; }
    // The fiber's static TLS block and thread control block (a heap allocation of the
    // dynamic linker's), conservatively bounded; empty for the initial fiber.
    uintptr_t tls_low() const { return tls_low_; }
    uintptr_t tls_high() const { return tls_high_; }

    // Runs the TLS destructors glibc registered for the running fiber (C++ thread_local
    // objects); called by a thread's own fiber as it exits.
    static void run_tls_destructors();

private:
    Fiber() = default;

    void* saved_sp_ = nullptr;
    void* tcb_ = nullptr;        // thread pointer: glibc's struct pthread of this fiber
    bool owns_tcb_ = false;
    void* mapping_ = nullptr;    // mmap'd region (guard + stack), null for adopted/user stacks
    size_t mapping_size_ = 0;
    uintptr_t guard_low_ = 0;
    uintptr_t stack_low_ = 0;
    uintptr_t stack_high_ = 0;
    uintptr_t tls_low_ = 0;
    uintptr_t tls_high_ = 0;
    char* tls_copy_ = nullptr;  // the TLS window's copy of this fiber's block (see fiber.cpp)
};

// Without FSGSBASE every fiber's thread-local storage runs at the same addresses, the TLS
// window [g_shared_tls_low, + g_shared_tls_size) (fiber.cpp): memory private to whichever
// thread runs, never shared (size 0 when each fiber has its own thread pointer).
extern uintptr_t g_shared_tls_low;
extern size_t g_shared_tls_size;

}  // namespace baton::rt
