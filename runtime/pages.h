// Zeroing memory that is reused rather than given back: thread stacks from the pool and
// shadow pages. madvise(MADV_DONTNEED) would also read back as zeros, but it flushes the TLB
// and the next touch of every page faults; writing zeros over only the pages that are
// resident costs a mincore call and a few kilobytes of stores.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>

namespace baton::rt {

// Without calling memset, which the runtime interposes (its bookkeeping must not run here).
inline void store_zeros(void* to, size_t size) {
    asm volatile("rep stosb" : "+D"(to), "+c"(size) : "a"(0) : "memory");
}

// [begin, begin + size) must be page-aligned and mapped. `resident` holds one byte per page
// of a mincore call: the larger, the fewer calls (each a system call).
inline void zero_resident_pages(void* begin, size_t size, unsigned char* resident, size_t capacity) {
    constexpr size_t kPage = 4096;
    auto* at = static_cast<char*>(begin);
    for (size_t pages = size / kPage; pages > 0;) {
        size_t n = pages < capacity ? pages : capacity;
        if (mincore(at, n * kPage, resident) != 0) {
            madvise(at, n * kPage, MADV_DONTNEED);
        } else {
            for (size_t i = 0; i < n; ++i)
                if (resident[i] & 1) store_zeros(at + i * kPage, kPage);
        }
        at += n * kPage;
        pages -= n;
    }
}

inline void zero_resident_pages(void* begin, size_t size) {
    unsigned char resident[4096];  // 16 MiB per mincore call: a whole thread stack
    zero_resident_pages(begin, size, resident, sizeof resident);
}

}  // namespace baton::rt
