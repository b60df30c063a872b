// The __tsan_* memory-access and call-stack ABI that -fsanitize=thread code calls (clang and
// gcc emit the same names), plus the memcpy/memset/memmove interceptors those compilers
// rely on. Hot paths: no allocation, no system call, one shadow lookup per access.
#include <dlfcn.h>

#include <cstddef>

#include "runtime/entry_points.h"
#include "runtime/fiber.h"
#include "runtime/spin_detector.h"

using namespace baton::rt;

namespace {

inline void on_access(const void* pointer, size_t size, uint8_t flags, uintptr_t pc,
                      uintptr_t caller_sp) {
    if (!g_runtime_active || g_runtime_depth != 0) return;
    // A null (or nearly null) pointer: let the program's own instruction fault, so that the
    // crash is reported where the program dereferenced it, not inside the runtime.
    if (reinterpret_cast<uintptr_t>(pointer) < 4096) return;
    Thread& thread = execution().current();
    if (thread.ignore_accesses) return;
    // The runtime's own memcpy/malloc calls below must not be recorded as the program's.
    RuntimeScope scope;
    finish_pending_write(thread);
    auto address = reinterpret_cast<uintptr_t>(pointer);
    // The TLS window: every thread's own variables at the same addresses, never shared.
    if (address - g_shared_tls_low < g_shared_tls_size) return;
    if (execution().preempts_at(address, size)) {
        // A location found racy: let the scheduler interleave here, as it would at an atomic.
        bool write = flags & kAccessWrite;
        execution().yield(pc, {write ? scheduler::OpKind::PlainWrite : scheduler::OpKind::PlainRead,
                               address & ~uintptr_t{7}});
        if (!write && size <= 8) execution().note_value(load_value(address, size));
        if (write && size <= 8) {
            // The value written is in memory at the thread's next runtime entry.
            thread.pending_write.trace_value = true;
            thread.pending_write.address = address;
            thread.pending_write.size = static_cast<uint32_t>(size);
        }
    }
    check_access(thread, address, size, flags, pc);
    if (flags & kAccessWrite) {
        observe_progress(thread);
        execution().notify_write(address, static_cast<uint32_t>(size));
    } else if (observe_read(thread, address, size, pc, caller_sp)) {
        check_access(thread, address, size, flags, pc);  // the load sees the new value
    }
}

}  // namespace

#define BATON_ACCESS(name, size, flags)                                  \
    extern "C" void name(void* address) {                                \
        on_access(address, size, flags, BATON_CALLER_PC, BATON_CALLER_SP); \
    }

#define BATON_ACCESS_SIZES(prefix, flags)  \
    BATON_ACCESS(prefix##1, 1, flags)      \
    BATON_ACCESS(prefix##2, 2, flags)      \
    BATON_ACCESS(prefix##4, 4, flags)      \
    BATON_ACCESS(prefix##8, 8, flags)      \
    BATON_ACCESS(prefix##16, 16, flags)

BATON_ACCESS_SIZES(__tsan_read, kAccessRead)
BATON_ACCESS_SIZES(__tsan_write, kAccessWrite)
BATON_ACCESS_SIZES(__tsan_unaligned_read, kAccessRead)
BATON_ACCESS_SIZES(__tsan_unaligned_write, kAccessWrite)
BATON_ACCESS_SIZES(__tsan_volatile_read, kAccessRead)
BATON_ACCESS_SIZES(__tsan_volatile_write, kAccessWrite)
BATON_ACCESS_SIZES(__tsan_unaligned_volatile_read, kAccessRead)
BATON_ACCESS_SIZES(__tsan_unaligned_volatile_write, kAccessWrite)
// Compound accesses (x += 1 instrumented once): a write catches every race the read would.
BATON_ACCESS_SIZES(__tsan_read_write, kAccessWrite)
BATON_ACCESS_SIZES(__tsan_unaligned_read_write, kAccessWrite)

extern "C" {

void __tsan_read_range(void* address, unsigned long size) {
    on_access(address, size, kAccessRead, BATON_CALLER_PC, BATON_CALLER_SP);
}

void __tsan_write_range(void* address, unsigned long size) {
    on_access(address, size, kAccessWrite, BATON_CALLER_PC, BATON_CALLER_SP);
}

void __tsan_read1_pc(void* address, void* pc) { on_access(address, 1, kAccessRead, reinterpret_cast<uintptr_t>(pc), BATON_CALLER_SP); }
void __tsan_read2_pc(void* address, void* pc) { on_access(address, 2, kAccessRead, reinterpret_cast<uintptr_t>(pc), BATON_CALLER_SP); }
void __tsan_read4_pc(void* address, void* pc) { on_access(address, 4, kAccessRead, reinterpret_cast<uintptr_t>(pc), BATON_CALLER_SP); }
void __tsan_read8_pc(void* address, void* pc) { on_access(address, 8, kAccessRead, reinterpret_cast<uintptr_t>(pc), BATON_CALLER_SP); }
void __tsan_write1_pc(void* address, void* pc) { on_access(address, 1, kAccessWrite, reinterpret_cast<uintptr_t>(pc), BATON_CALLER_SP); }
void __tsan_write2_pc(void* address, void* pc) { on_access(address, 2, kAccessWrite, reinterpret_cast<uintptr_t>(pc), BATON_CALLER_SP); }
void __tsan_write4_pc(void* address, void* pc) { on_access(address, 4, kAccessWrite, reinterpret_cast<uintptr_t>(pc), BATON_CALLER_SP); }
void __tsan_write8_pc(void* address, void* pc) { on_access(address, 8, kAccessWrite, reinterpret_cast<uintptr_t>(pc), BATON_CALLER_SP); }

// C++ virtual calls: the object's vtable pointer is read, or written by a constructor or
// destructor. A write of the same value (e.g. a derived class re-setting it) is no write.
void __tsan_vptr_update(void** slot, void* new_value) {
    if (*slot != new_value)
        on_access(slot, sizeof(void*), kAccessWrite, BATON_CALLER_PC, BATON_CALLER_SP);
}

void __tsan_vptr_read(void** slot) {
    on_access(slot, sizeof(void*), kAccessRead, BATON_CALLER_PC, BATON_CALLER_SP);
}

void __tsan_func_entry(void* call_site) {
    if (!g_runtime_active) return;
    execution().current().calls.push(reinterpret_cast<uintptr_t>(call_site));
}

void __tsan_func_exit() {
    if (!g_runtime_active) return;
    execution().current().calls.pop();
}

void __tsan_ignore_thread_begin() {
    if (g_runtime_active) ++execution().current().ignore_accesses;
}

void __tsan_ignore_thread_end() {
    if (g_runtime_active && execution().current().ignore_accesses > 0)
        --execution().current().ignore_accesses;
}

}  // extern "C"

// memcpy, memmove and memset: LLVM 14 lowers the memory intrinsics of instrumented code to
// calls of these libc names and expects the sanitizer runtime to intercept them.
namespace {

using CopyFunction = void* (*)(void*, const void*, size_t);
using FillFunction = void* (*)(void*, int, size_t);

CopyFunction g_libc_memcpy = nullptr;
CopyFunction g_libc_memmove = nullptr;
FillFunction g_libc_memset = nullptr;
bool g_resolving = false;

// Used only while dlsym resolves the libc functions (it may copy memory itself).
void* copy_bytes(void* destination, const void* source, size_t size) {
    // volatile: the compiler must not turn this loop back into a call to memcpy.
    auto* d = static_cast<volatile unsigned char*>(destination);
    auto* s = static_cast<const volatile unsigned char*>(source);
    if (d < s)
        for (size_t i = 0; i < size; ++i) d[i] = s[i];
    else
        for (size_t i = size; i-- > 0;) d[i] = s[i];
    return destination;
}

void* fill_bytes(void* destination, int value, size_t size) {
    auto* d = static_cast<volatile unsigned char*>(destination);
    for (size_t i = 0; i < size; ++i) d[i] = static_cast<unsigned char>(value);
    return destination;
}

bool resolve_libc() {
    if (g_libc_memcpy) return true;
    if (g_resolving) return false;
    g_resolving = true;
    auto memmove_next = reinterpret_cast<CopyFunction>(dlsym(RTLD_NEXT, "memmove"));
    auto memset_next = reinterpret_cast<FillFunction>(dlsym(RTLD_NEXT, "memset"));
    auto memcpy_next = reinterpret_cast<CopyFunction>(dlsym(RTLD_NEXT, "memcpy"));
    g_libc_memmove = memmove_next;
    g_libc_memset = memset_next;
    g_libc_memcpy = memcpy_next;
    g_resolving = false;
    return g_libc_memcpy != nullptr;
}

void on_copy(void* destination, const void* source, size_t size, uintptr_t pc, uintptr_t sp) {
    if (size == 0) return;
    if (source) on_access(source, size, kAccessRead, pc, sp);
    on_access(destination, size, kAccessWrite, pc, sp);
}

}  // namespace

extern "C" {

void* memcpy(void* destination, const void* source, size_t size) {
    on_copy(destination, source, size, BATON_CALLER_PC, BATON_CALLER_SP);
    if (!resolve_libc()) return copy_bytes(destination, source, size);
    return g_libc_memcpy(destination, source, size);
}

void* memmove(void* destination, const void* source, size_t size) {
    on_copy(destination, source, size, BATON_CALLER_PC, BATON_CALLER_SP);
    if (!resolve_libc()) return copy_bytes(destination, source, size);
    return g_libc_memmove(destination, source, size);
}

void* memset(void* destination, int value, size_t size) {
    on_copy(destination, nullptr, size, BATON_CALLER_PC, BATON_CALLER_SP);
    if (!resolve_libc()) return fill_bytes(destination, value, size);
    return g_libc_memset(destination, value, size);
}

void* __tsan_memcpy(void* d, const void* s, size_t n) { return memcpy(d, s, n); }
void* __tsan_memmove(void* d, const void* s, size_t n) { return memmove(d, s, n); }
void* __tsan_memset(void* d, int v, size_t n) { return memset(d, v, n); }

}  // extern "C"
