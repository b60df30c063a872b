// Interposed allocation functions: they forward to glibc's (__libc_malloc, ...) and keep
// the block table of heap.h. Allocations the runtime makes for itself (g_runtime_depth > 0)
// and those made before the runtime started are forwarded untouched.
#include "runtime/heap.h"

#include <malloc.h>

#include <cerrno>
#include <map>

#include "runtime/execution.h"
#include "runtime/race_detector.h"

extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
void __libc_free(void*);
}

namespace baton::rt {
namespace {

std::map<uintptr_t, HeapBlock>& blocks() {
    static auto* table = new std::map<uintptr_t, HeapBlock>();
    return *table;
}

bool tracking() { return g_runtime_active && g_runtime_depth == 0; }

uintptr_t g_high_water_limit = 0;  // 0: not watched
uintptr_t g_high_water = 0;

// Every allocation, the runtime's own included: the reset restores all of it.
inline void raise_high_water(const void* pointer, size_t size) {
    constexpr size_t kAllocatorSlack = 64;  // the next chunk's header, written by malloc
    auto end = reinterpret_cast<uintptr_t>(pointer) + size + kAllocatorSlack;
    if (end > g_high_water && reinterpret_cast<uintptr_t>(pointer) < g_high_water_limit) g_high_water = end;
}

void note_allocation(void* pointer, size_t size, uintptr_t pc) {
    RuntimeScope scope;
    Execution& ex = execution();
    Thread& thread = ex.current();
    finish_pending_write(thread);
    HeapBlock block{reinterpret_cast<uintptr_t>(pointer), size, thread.id, pc,
                    ex.stacks().intern(thread.calls)};
    blocks()[block.base] = block;
}

void note_free(void* pointer) {
    RuntimeScope scope;
    Execution& ex = execution();
    finish_pending_write(ex.current());
    auto base = reinterpret_cast<uintptr_t>(pointer);
    uintptr_t end = base + malloc_usable_size(pointer);
    ex.shadow().reset(base, end);
    ex.objects().erase_range(base, end);
    blocks().erase(base);
}

}  // namespace

void watch_heap_high_water(uintptr_t limit, uintptr_t initial) {
    g_high_water_limit = limit;
    g_high_water = initial;
}

uintptr_t heap_high_water() { return g_high_water; }

bool find_heap_block(uintptr_t address, HeapBlock& block) {
    auto& table = blocks();
    auto it = table.upper_bound(address);
    if (it == table.begin()) return false;
    --it;
    if (address >= it->second.base + it->second.size) return false;
    block = it->second;
    return true;
}

}  // namespace baton::rt

using baton::rt::note_allocation;
using baton::rt::note_free;
using baton::rt::raise_high_water;
using baton::rt::tracking;

#define CALLER_PC reinterpret_cast<uintptr_t>(__builtin_return_address(0))

extern "C" {

void* malloc(size_t size) {
    void* pointer = __libc_malloc(size);
    raise_high_water(pointer, size);
    if (pointer && tracking()) note_allocation(pointer, size, CALLER_PC);
    return pointer;
}

void* calloc(size_t count, size_t size) {
    void* pointer = __libc_calloc(count, size);
    raise_high_water(pointer, count * size);
    if (pointer && tracking()) note_allocation(pointer, count * size, CALLER_PC);
    return pointer;
}

void* realloc(void* old, size_t size) {
    if (old && tracking()) note_free(old);
    void* pointer = __libc_realloc(old, size);
    raise_high_water(pointer, size);
    if (pointer && tracking()) note_allocation(pointer, size, CALLER_PC);
    return pointer;
}

void free(void* pointer) {
    if (pointer && tracking()) note_free(pointer);
    __libc_free(pointer);
}

void* memalign(size_t alignment, size_t size) {
    void* pointer = __libc_memalign(alignment, size);
    raise_high_water(pointer, size);
    if (pointer && tracking()) note_allocation(pointer, size, CALLER_PC);
    return pointer;
}

void* aligned_alloc(size_t alignment, size_t size) {
    void* pointer = __libc_memalign(alignment, size);
    raise_high_water(pointer, size);
    if (pointer && tracking()) note_allocation(pointer, size, CALLER_PC);
    return pointer;
}

int posix_memalign(void** out, size_t alignment, size_t size) {
    if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    void* pointer = __libc_memalign(alignment, size);
    raise_high_water(pointer, size);
    if (!pointer) return ENOMEM;
    if (tracking()) note_allocation(pointer, size, CALLER_PC);
    *out = pointer;
    return 0;
}

void* valloc(size_t size) {
    void* pointer = __libc_memalign(4096, size);
    raise_high_water(pointer, size);
    if (pointer && tracking()) note_allocation(pointer, size, CALLER_PC);
    return pointer;
}

}  // extern "C"
