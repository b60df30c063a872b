#include "runtime/shadow_memory.h"

#include <sys/mman.h>

#include <cstring>

#include "runtime/fatal.h"

namespace baton::rt {
namespace {

constexpr size_t kShadowPageBytes = ShadowMemory::kGranulesPerPage * sizeof(Granule);
constexpr size_t kChunkBytes = size_t{64} << 20;

void* map_zeroed(size_t bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) fatal("out of memory for shadow memory (%zu bytes)", bytes);
    return p;
}

}  // namespace

ShadowMemory::ShadowMemory() {
    level1_ = static_cast<Granule***>(map_zeroed(sizeof(Granule**) << kLevel1Bits));
    dummy_page_ = allocate_page();
}

Granule* ShadowMemory::allocate_page() {
    if (!free_pages_.empty()) {
        Granule* page = free_pages_.back();
        free_pages_.pop_back();
        return page;
    }
    if (chunk_next_ == chunk_end_) {
        chunk_next_ = static_cast<char*>(map_zeroed(kChunkBytes));
        chunk_end_ = chunk_next_ + kChunkBytes;
    }
    auto* page = reinterpret_cast<Granule*>(chunk_next_);
    chunk_next_ += kShadowPageBytes;
    return page;
}

void ShadowMemory::release_page(Granule* page) {
    madvise(page, kShadowPageBytes, MADV_DONTNEED);  // reads back as zeros
    free_pages_.push_back(page);
}

Granule* ShadowMemory::shadow_page(uintptr_t page, bool create) {
    uintptr_t index1 = page >> kLevel2Bits;
    if (index1 >> kLevel1Bits) return create ? dummy_page_ : nullptr;
    Granule**& level2 = level1_[index1];
    if (!level2) {
        if (!create) return nullptr;
        level2 = static_cast<Granule**>(map_zeroed(sizeof(Granule*) << kLevel2Bits));
    }
    Granule*& shadow = level2[page & ((uintptr_t{1} << kLevel2Bits) - 1)];
    if (!shadow && create) shadow = allocate_page();
    return shadow;
}

Granule* ShadowMemory::find(uintptr_t address) {
    Granule* page = shadow_page(address >> kPageBits, /*create=*/false);
    if (!page) return nullptr;
    return &page[(address >> kGranuleBits) & (kGranulesPerPage - 1)];
}

void ShadowMemory::reset(uintptr_t begin, uintptr_t end) {
    begin &= ~uintptr_t{7};
    while (begin < end) {
        uintptr_t page = begin >> kPageBits;
        uintptr_t page_end = (page + 1) << kPageBits;
        uintptr_t stop = end < page_end ? end : page_end;
        uintptr_t index1 = page >> kLevel2Bits;
        Granule** level2 = (index1 >> kLevel1Bits) ? nullptr : level1_[index1];
        Granule** slot = level2 ? &level2[page & ((uintptr_t{1} << kLevel2Bits) - 1)] : nullptr;
        if (slot && *slot) {
            if (begin == page << kPageBits && stop == page_end) {
                release_page(*slot);
                *slot = nullptr;
                if (cached_page_ == page) cached_page_ = ~uintptr_t{0};
            } else {
                size_t first = (begin >> kGranuleBits) & (kGranulesPerPage - 1);
                size_t last = ((stop - 1) >> kGranuleBits) & (kGranulesPerPage - 1);
                std::memset(&(*slot)[first], 0, (last - first + 1) * sizeof(Granule));
            }
        }
        begin = stop;
    }
}

void ShadowMemory::reset_all() {
    for (size_t i = 0; i < (size_t{1} << kLevel1Bits); ++i) {
        Granule** level2 = level1_[i];
        if (!level2) continue;
        for (size_t j = 0; j < (size_t{1} << kLevel2Bits); ++j) {
            if (level2[j]) release_page(level2[j]);
        }
        munmap(level2, sizeof(Granule*) << kLevel2Bits);
        level1_[i] = nullptr;
    }
    cached_page_ = ~uintptr_t{0};
}

}  // namespace baton::rt
