// The program's heap as the runtime sees it: malloc and friends are interposed so that
// freed memory forgets its access history and sync objects (a new block at the same
// address is new memory), and so that reports can say which block an address lies in and
// where it was allocated.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/vector_clock.h"

namespace baton::rt {

struct HeapBlock {
    uintptr_t base = 0;
    size_t size = 0;
    ThreadId thread = 0;  // allocating thread
    uintptr_t pc = 0;     // call site of malloc/new
    uint32_t stack = 0;   // StackDepot id of the allocating thread's stack
};

bool find_heap_block(uintptr_t address, HeapBlock& block);

// For the in-process reset (runtime/server.h), which restores the heap only as far as the
// program used it: from now on, the end of the highest block allocated below `limit` (with
// room for the allocator's header after it), starting from `initial`.
void watch_heap_high_water(uintptr_t limit, uintptr_t initial);
uintptr_t heap_high_water();

}  // namespace baton::rt
