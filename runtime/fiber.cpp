#include "runtime/fiber.h"

#include <asm/prctl.h>
#include <dlfcn.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <new>

#include "runtime/fatal.h"
#include "runtime/pages.h"

extern "C" {
void baton_context_switch(void** save_sp, void* load_sp);
void baton_context_entry();
extern void* __libc_stack_end;
}

namespace baton::rt {

uintptr_t g_shared_tls_low = 0;
size_t g_shared_tls_size = 0;

namespace {

// The layout of glibc's tcbhead_t on x86-64 (sysdeps/x86_64/nptl/tls.h): fields we must set
// or copy in a new thread control block. Stable since glibc 2.26.
constexpr size_t kTcbSelfOffset = 0;       // tcbhead_t::tcb
constexpr size_t kTcbDtvOffset = 8;        // tcbhead_t::dtv
constexpr size_t kTcbSelf2Offset = 16;     // tcbhead_t::self
constexpr size_t kTcbCopyBegin = 24;       // multiple_threads ... ssp_base: copied as is
constexpr size_t kTcbCopyEnd = 128;        // (stack_guard at 0x28, pointer_guard at 0x30)
constexpr size_t kDefaultTidOffset = 720;  // struct pthread::tid in glibc 2.36

constexpr size_t kPageSize = 4096;
constexpr size_t kGuardSize = kPageSize;
// Stacks of the default size come from a pool reserved at start-up, lowest free slot first:
// a thread's stack then lies at the same address in every execution of the program, in a new
// process or in one reset in place (runtime/server.h). Other sizes are mapped one by one.
constexpr size_t kPoolSlots = 64;
constexpr size_t kPoolSlotSize = Fiber::kDefaultStackSize + kGuardSize;
uintptr_t g_pool_base = 0;
uint64_t g_pool_in_use = 0;   // bit i: slot i holds a live fiber's stack
uint64_t g_pool_touched = 0;  // bit i: slot i was used since the process started

// Which pages of the pool's slots are resident, as zero_pool_stacks last saw them. Pool
// pages are zeroed, never given back, and become resident only through a page fault: while
// the process has taken no fault since, the bits are still right, and zeroing a stack needs
// no mincore (a system call walking 8 MiB of page tables per stack). Outlives resets.
constexpr size_t kSlotPages = Fiber::kDefaultStackSize / 4096;
struct ResidentPages {
    uint64_t faults = ~uint64_t{0};  // the process's page faults when the bits were read
    uint64_t known = 0;              // bit i: slot i's bits are right
    uint64_t bits[kPoolSlots][(kSlotPages + 63) / 64];
};
ResidentPages* g_resident = nullptr;
constexpr size_t kResidentBytes = (sizeof(ResidentPages) + kPageSize - 1) & ~(kPageSize - 1);

using AllocateTls = void* (*)(void*);
using DeallocateTls = void (*)(void*, bool);
using CallTlsDtors = void (*)();
AllocateTls g_allocate_tls = nullptr;
DeallocateTls g_deallocate_tls = nullptr;
CallTlsDtors g_call_tls_dtors = nullptr;
size_t g_tid_offset = kDefaultTidOffset;
size_t g_static_tls_size = 0;   // glibc's dl_tls_static_size: TLS blocks plus the TCB
size_t g_thread_struct_size = 2368;  // sizeof(struct pthread) in glibc 2.36
bool g_have_fsgsbase = false;

// The TLS window. Without FSGSBASE, moving the thread pointer is a system call
// (arch_prctl), which costs microseconds under a hypervisor: more than all the rest of a
// switch. Then the thread pointer never moves: every fiber runs with the initial thread's,
// whose static TLS block and thread control block (the window) hold the running fiber's,
// and a switch copies them (4 KiB with glibc 2.36) out to the fiber leaving and in from the
// fiber coming. Each fiber keeps its copy in a block of the same layout: a new fiber's
// from _dl_allocate_tls, with its self pointers and its dtv's static entries moved to the
// window, so that %fs-relative accesses and __tls_get_addr both land there.
bool g_use_window = false;
uintptr_t g_window_tcb = 0;
Fiber* g_window_owner = nullptr;  // whose TLS the window holds: the running fiber
size_t g_tls_below = 0;           // bytes of static TLS below a thread pointer

// Without the interposed memcpy (its bookkeeping must not run here).
void copy_bytes(void* to, const void* from, size_t size) {
    asm volatile("rep movsb" : "+D"(to), "+S"(from), "+c"(size) : : "memory");
}

long raw_syscall2(long number, long a, long b) {
    long result;
    asm volatile("syscall" : "=a"(result) : "a"(number), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return result;
}

void* read_thread_pointer() {
    void* tp;
    asm volatile("movq %%fs:0, %0" : "=r"(tp));
    return tp;
}

void write_thread_pointer(void* tp) {
    if (g_have_fsgsbase)
        asm volatile("wrfsbase %0" ::"r"(tp) : "memory");
    else
        raw_syscall2(SYS_arch_prctl, ARCH_SET_FS, reinterpret_cast<long>(tp));
}

void resolve_glibc_entry_points() {
    if (g_allocate_tls) return;
    g_allocate_tls = reinterpret_cast<AllocateTls>(dlsym(RTLD_DEFAULT, "_dl_allocate_tls"));
    g_deallocate_tls = reinterpret_cast<DeallocateTls>(dlsym(RTLD_DEFAULT, "_dl_deallocate_tls"));
    g_call_tls_dtors = reinterpret_cast<CallTlsDtors>(dlsym(RTLD_DEFAULT, "__call_tls_dtors"));
    if (!g_allocate_tls || !g_deallocate_tls)
        fatal("this C library does not export _dl_allocate_tls: glibc on x86-64 is required");
    // libthread_db's descriptor of struct pthread::tid: {bit size, count, byte offset}.
    if (auto* tid = static_cast<const unsigned*>(dlsym(RTLD_DEFAULT, "_thread_db_pthread_tid")))
        g_tid_offset = tid[2];
    if (auto* size = static_cast<const unsigned*>(dlsym(RTLD_DEFAULT, "_thread_db_sizeof_pthread")))
        g_thread_struct_size = size[0];
    using StaticInfo = void (*)(size_t*, size_t*);
    if (auto info = reinterpret_cast<StaticInfo>(dlsym(RTLD_DEFAULT, "_dl_get_tls_static_info"))) {
        size_t align = 0;
        info(&g_static_tls_size, &align);
    }
    g_have_fsgsbase = (getauxval(AT_HWCAP2) & 2 /* HWCAP2_FSGSBASE */) != 0;
    // The window needs the layout of the static TLS: blocks below the thread pointer, the
    // thread control block above it, dl_tls_static_size bytes in all.
    g_use_window = !g_have_fsgsbase && g_static_tls_size > g_thread_struct_size;
    if (g_use_window) g_tls_below = g_static_tls_size - g_thread_struct_size;
}

// A new fiber's block, made to work in the window: glibc finds the thread's descriptor and
// its static TLS through these pointers, which must point into the window, where the block
// is copied while the fiber runs.
void move_to_window(char* tcb) {
    auto own = reinterpret_cast<uintptr_t>(tcb);
    *reinterpret_cast<uintptr_t*>(tcb + kTcbSelfOffset) = g_window_tcb;
    *reinterpret_cast<uintptr_t*>(tcb + kTcbSelf2Offset) = g_window_tcb;
    // tcbhead_t::dtv (offset 8): dtv[-1] counts the modules; each entry is {val, to_free}.
    auto* dtv = *reinterpret_cast<uintptr_t**>(tcb + kTcbDtvOffset);
    if (!dtv) return;
    size_t modules = dtv[-2];
    for (size_t module = 1; module <= modules; ++module) {
        uintptr_t& block = dtv[2 * module];
        if (block >= own - g_tls_below && block < own + g_thread_struct_size) block = block - own + g_window_tcb;
    }
}

void* allocate_thread_control_block() {
    void* tcb = g_allocate_tls(nullptr);
    if (!tcb) fatal("out of memory allocating thread-local storage");
    auto* dst = static_cast<char*>(tcb);
    auto* src = static_cast<const char*>(read_thread_pointer());
    for (size_t i = kTcbCopyBegin; i < kTcbCopyEnd; ++i) dst[i] = src[i];
    *reinterpret_cast<void**>(dst + kTcbSelfOffset) = tcb;
    *reinterpret_cast<void**>(dst + kTcbSelf2Offset) = tcb;
    // glibc's internal recursive locks (stdio, the loader) identify their owner by tid: all
    // fibers share the one kernel thread, so they share its tid.
    *reinterpret_cast<int*>(dst + g_tid_offset) = *reinterpret_cast<const int*>(src + g_tid_offset);
    if (g_use_window) move_to_window(dst);
    return tcb;
}

void* map_stack(size_t size) {
    if (size == Fiber::kDefaultStackSize && g_pool_base && g_pool_in_use != ~uint64_t{0}) {
        unsigned slot = static_cast<unsigned>(__builtin_ctzll(~g_pool_in_use));
        g_pool_in_use |= uint64_t{1} << slot;
        g_pool_touched |= uint64_t{1} << slot;
        return reinterpret_cast<void*>(g_pool_base + slot * kPoolSlotSize);
    }
    // Lazily committed: an 8 MiB stack costs only the pages the thread touches.
    void* mapping = mmap(nullptr, size + kGuardSize, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (mapping == MAP_FAILED) return nullptr;
    mprotect(mapping, kGuardSize, PROT_NONE);
    return mapping;
}

void unmap_stack(void* mapping, size_t size) {
    auto address = reinterpret_cast<uintptr_t>(mapping);
    if (g_pool_base && address >= g_pool_base && address < g_pool_base + kPoolSlots * kPoolSlotSize) {
        // The next thread of this execution finds what this one left, in every process alike;
        // an in-process reset zeroes the slots (zero_pool_stacks).
        g_pool_in_use &= ~(uint64_t{1} << ((address - g_pool_base) / kPoolSlotSize));
        return;
    }
    munmap(mapping, size + kGuardSize);
}

}  // namespace

void Fiber::reserve_stack_pool() {
    if (g_pool_base) return;
    void* pool = mmap(nullptr, kPoolSlots * kPoolSlotSize + kResidentBytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (pool == MAP_FAILED) return;  // every stack is mapped on its own
    g_pool_base = reinterpret_cast<uintptr_t>(pool);
    // After the slots, in the same mapping, which a snapshot leaves out (stack_pool_range).
    g_resident = new (reinterpret_cast<void*>(g_pool_base + kPoolSlots * kPoolSlotSize)) ResidentPages();
    for (size_t slot = 0; slot < kPoolSlots; ++slot)
        mprotect(reinterpret_cast<char*>(g_pool_base + slot * kPoolSlotSize), kGuardSize, PROT_NONE);
}

uint64_t Fiber::stack_pool_touched() { return g_pool_touched; }

void Fiber::stack_pool_range(uintptr_t& begin, uintptr_t& end) {
    begin = g_pool_base;
    end = g_pool_base ? g_pool_base + kPoolSlots * kPoolSlotSize + kResidentBytes : 0;
}

namespace {

uint64_t page_faults() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<uint64_t>(usage.ru_minflt) + static_cast<uint64_t>(usage.ru_majflt);
}

char* slot_stack(unsigned slot) { return reinterpret_cast<char*>(g_pool_base + slot * kPoolSlotSize + kGuardSize); }

// Zeroes the pages of `slot` that the bits say are resident.
void zero_known_pages(unsigned slot) {
    const uint64_t* bits = g_resident->bits[slot];
    for (size_t word = 0; word < std::size(g_resident->bits[slot]); ++word)
        for (uint64_t set = bits[word]; set; set &= set - 1)
            store_zeros(slot_stack(slot) + (word * 64 + static_cast<unsigned>(__builtin_ctzll(set))) * kPageSize, kPageSize);
}

// Asks the kernel which pages of `slots` are resident, zeroes those and notes them: one
// mincore over the span from the lowest slot to the highest (the lowest free slot is taken
// first, so they are mostly adjacent), as a system call per stack cost more than the zeroing.
void scan_and_zero(uint64_t slots) {
    unsigned first = static_cast<unsigned>(__builtin_ctzll(slots));
    unsigned last = 63 - static_cast<unsigned>(__builtin_clzll(slots));
    static_assert(kPoolSlotSize % kPageSize == 0);
    constexpr size_t kSlotSpan = kPoolSlotSize / kPageSize;  // a guard page, then the stack
    unsigned char resident[16 * kSlotSpan];  // runs on the main thread's stack
    for (unsigned from = first; from <= last; from += 16) {
        unsigned to = std::min(last + 1, from + 16);
        auto* at = reinterpret_cast<unsigned char*>(g_pool_base + from * kPoolSlotSize);
        if (mincore(at, (to - from) * kPoolSlotSize, resident) != 0) {
            for (unsigned slot = from; slot < to; ++slot)  // cannot tell: everything
                if (slots >> slot & 1) store_zeros(slot_stack(slot), Fiber::kDefaultStackSize);
            if (g_resident) g_resident->known &= ~slots;
            continue;
        }
        for (unsigned slot = from; slot < to; ++slot) {
            if (!(slots >> slot & 1)) continue;
            const unsigned char* pages = resident + (slot - from) * kSlotSpan + 1;  // past the guard
            if (g_resident) std::fill(std::begin(g_resident->bits[slot]), std::end(g_resident->bits[slot]), 0);
            for (size_t page = 0; page < kSlotPages; ++page) {
                if (!(pages[page] & 1)) continue;
                store_zeros(slot_stack(slot) + page * kPageSize, kPageSize);
                if (g_resident) g_resident->bits[slot][page / 64] |= uint64_t{1} << (page % 64);
            }
            if (g_resident) g_resident->known |= uint64_t{1} << slot;
        }
    }
}

}  // namespace

void Fiber::zero_pool_stacks(uint64_t slots) {
    if (!slots) return;
    if (!g_resident) return scan_and_zero(slots);
    // Only the slots used since may have gained pages, and only through a fault.
    uint64_t faults = page_faults();
    if (faults != g_resident->faults) g_resident->known &= ~slots;
    g_resident->faults = faults;
    uint64_t unknown = slots & ~g_resident->known;
    for (uint64_t known = slots & ~unknown; known; known &= known - 1)
        zero_known_pages(static_cast<unsigned>(__builtin_ctzll(known)));
    if (unknown) scan_and_zero(unknown);
}

Fiber* Fiber::adopt_current() {
    resolve_glibc_entry_points();
    auto* fiber = new Fiber();
    fiber->tcb_ = read_thread_pointer();
    if (g_use_window) {
        // The initial thread's block is the window; its own copy is kept here while another
        // fiber runs.
        g_window_tcb = reinterpret_cast<uintptr_t>(fiber->tcb_);
        g_window_owner = fiber;
        g_shared_tls_low = g_window_tcb - g_tls_below;
        g_shared_tls_size = g_static_tls_size;
        fiber->tls_copy_ = static_cast<char*>(malloc(g_static_tls_size));
        if (!fiber->tls_copy_) fatal("out of memory for thread-local storage");
    }
    rlimit limit{};
    getrlimit(RLIMIT_STACK, &limit);
    size_t size = limit.rlim_cur == RLIM_INFINITY ? (8u << 20) : limit.rlim_cur;
    fiber->stack_high_ = reinterpret_cast<uintptr_t>(__libc_stack_end);
    fiber->stack_low_ = fiber->stack_high_ - size;
    fiber->guard_low_ = fiber->stack_low_ - kGuardSize;
    return fiber;
}

Fiber* Fiber::create(Entry entry, void* arg, size_t stack_size, void* user_stack) {
    resolve_glibc_entry_points();
    auto* fiber = new (std::nothrow) Fiber();
    if (!fiber) return nullptr;
    if (user_stack) {
        fiber->stack_low_ = reinterpret_cast<uintptr_t>(user_stack);
        fiber->guard_low_ = fiber->stack_low_;
    } else {
        stack_size = (stack_size + kPageSize - 1) & ~(kPageSize - 1);
        fiber->mapping_ = map_stack(stack_size);
        if (!fiber->mapping_) {
            delete fiber;
            return nullptr;
        }
        fiber->mapping_size_ = stack_size;
        fiber->guard_low_ = reinterpret_cast<uintptr_t>(fiber->mapping_);
        fiber->stack_low_ = fiber->guard_low_ + kGuardSize;
    }
    fiber->stack_high_ = (fiber->stack_low_ + stack_size) & ~uintptr_t{15};
    fiber->tcb_ = allocate_thread_control_block();
    fiber->owns_tcb_ = true;
    auto tcb = reinterpret_cast<uintptr_t>(fiber->tcb_);
    if (g_use_window) fiber->tls_copy_ = reinterpret_cast<char*>(tcb - g_tls_below);
    fiber->tls_low_ = tcb - g_static_tls_size;
    fiber->tls_high_ = tcb + g_thread_struct_size;

    // The frame baton_context_switch pops: MXCSR/x87 control word, r15..r12, rbx, rbp and the
    // return address baton_context_entry, which calls rbx(r12) with a 16-byte aligned stack.
    auto* sp = reinterpret_cast<uint64_t*>(fiber->stack_high_ - 80);
    sp[0] = 0x1F80 | (uint64_t{0x037F} << 32);  // default MXCSR, default x87 control word
    sp[1] = sp[2] = sp[3] = 0;                   // r15, r14, r13
    sp[4] = reinterpret_cast<uint64_t>(arg);     // r12
    sp[5] = reinterpret_cast<uint64_t>(entry);   // rbx
    sp[6] = 0;                                   // rbp: ends frame-pointer walks
    sp[7] = reinterpret_cast<uint64_t>(&baton_context_entry);
    sp[8] = sp[9] = 0;
    fiber->saved_sp_ = sp;
    return fiber;
}

void Fiber::destroy(Fiber* fiber) {
    if (g_window_owner == fiber) g_window_owner = nullptr;
    if (!fiber->owns_tcb_) free(fiber->tls_copy_);
    if (fiber->owns_tcb_) g_deallocate_tls(fiber->tcb_, true);
    if (fiber->mapping_) unmap_stack(fiber->mapping_, fiber->mapping_size_);
    delete fiber;
}

void Fiber::switch_to(Fiber& next) {
    if (&next == this) return;
    if (!g_use_window) {
        if (next.tcb_ != tcb_) write_thread_pointer(next.tcb_);
    } else if (g_window_owner != &next) {
        auto* window = reinterpret_cast<char*>(g_shared_tls_low);
        if (g_window_owner) copy_bytes(g_window_owner->tls_copy_, window, g_static_tls_size);
        copy_bytes(window, next.tls_copy_, g_static_tls_size);
        g_window_owner = &next;
    }
    baton_context_switch(&saved_sp_, next.saved_sp_);
}

void Fiber::run_tls_destructors() {
    if (g_call_tls_dtors) g_call_tls_dtors();
}

}  // namespace baton::rt
