#include "runtime/shadow_memory.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <new>

#include "runtime/fatal.h"
#include "runtime/pages.h"

namespace baton::rt {
namespace {

constexpr size_t kShadowPageBytes = ShadowMemory::kGranulesPerPage * sizeof(Granule);
constexpr size_t kChunkBytes = size_t{64} << 20;

void* map_anonymous(size_t bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) fatal("out of memory for shadow memory (%zu bytes)", bytes);
    return p;
}

}  // namespace

ShadowMemory* ShadowMemory::create() {
    void* storage = map_anonymous(sizeof(ShadowMemory));
    auto* shadow = new (storage) ShadowMemory();
    shadow->mapped_bytes_ += sizeof(ShadowMemory);
    shadow->mappings_[shadow->mapping_count_++] = {reinterpret_cast<uintptr_t>(storage),
                                                   reinterpret_cast<uintptr_t>(storage) + sizeof(ShadowMemory)};
    return shadow;
}

ShadowMemory::ShadowMemory() {
    level1_ = static_cast<Granule***>(map_zeroed(sizeof(Granule**) << kLevel1Bits));
    used_ = static_cast<Granule***>(map_zeroed(sizeof(Granule**) * kUsedCapacity));
    used_pages_ = static_cast<uintptr_t*>(map_zeroed(sizeof(uintptr_t) * kUsedCapacity));
    dummy_page_ = allocate_page();
}

void* ShadowMemory::map_zeroed(size_t bytes) {
    void* p = map_anonymous(bytes);
    mapped_bytes_ += bytes;
    // Only the table, chunks and level-2 tables are recorded; past the array's end owns()
    // may miss a level-2 table, which then counts as the program's (a reset falls back).
    if (mapping_count_ < kMaxMappings)
        mappings_[mapping_count_++] = {reinterpret_cast<uintptr_t>(p), reinterpret_cast<uintptr_t>(p) + bytes};
    return p;
}

bool ShadowMemory::owns(uintptr_t begin, uintptr_t end) const {
    for (size_t i = 0; i < mapping_count_; ++i)
        if (begin < mappings_[i].end && mappings_[i].begin < end) return true;
    return false;
}

Granule* ShadowMemory::allocate_page() {
    if (free_pages_) {
        Granule* page = free_pages_;
        free_pages_ = *reinterpret_cast<Granule**>(page);
        *reinterpret_cast<Granule**>(page) = nullptr;
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
    zero_resident_pages(page, kShadowPageBytes);
    *reinterpret_cast<Granule**>(page) = free_pages_;
    free_pages_ = page;
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
    if (!shadow && create) {
        shadow = allocate_page();
        if (used_count_ < kUsedCapacity) {
            used_pages_[used_count_] = page;
            used_[used_count_++] = &shadow;
        } else {
            used_overflow_ = true;
        }
    }
    return shadow;
}

Granule* ShadowMemory::find(uintptr_t address) {
    Granule* page = shadow_page(address >> kPageBits, /*create=*/false);
    if (!page) return nullptr;
    return &page[(address >> kGranuleBits) & (kGranulesPerPage - 1)];
}

void ShadowMemory::reset(uintptr_t begin, uintptr_t end) {
    begin &= ~uintptr_t{7};
    if (begin >= end) return;
    uintptr_t first_whole = (begin + (uintptr_t{1} << kPageBits) - 1) >> kPageBits;
    uintptr_t end_whole = end >> kPageBits;
    if (used_overflow_ || end_whole <= first_whole || end_whole - first_whole <= used_count_)
        return reset_pages(begin, end);
    // Fewer pages were given out than the range spans: the partial pages at its ends page
    // by page, the whole pages in between from the list.
    reset_pages(begin, std::min(end, first_whole << kPageBits));
    reset_used_in(first_whole, end_whole);
    reset_pages(std::max(begin, end_whole << kPageBits), end);
}

// Releases the shadow of application pages [first, end) given out since reset_used.
void ShadowMemory::reset_used_in(uintptr_t first, uintptr_t end) {
    for (size_t i = 0; i < used_count_; ++i) {
        Granule*& slot = *used_[i];
        if (!slot || used_pages_[i] < first || used_pages_[i] >= end) continue;
        release_page(slot);
        slot = nullptr;  // a later entry for the same slot (given out again) sees it null
        if (cached_page_ == used_pages_[i]) cached_page_ = ~uintptr_t{0};
    }
}

void ShadowMemory::reset_pages(uintptr_t begin, uintptr_t end) {
    constexpr uintptr_t kLevel2Span = uintptr_t{1} << (kLevel2Bits + kPageBits);
    while (begin < end) {
        uintptr_t page = begin >> kPageBits;
        uintptr_t index1 = page >> kLevel2Bits;
        Granule** level2 = (index1 >> kLevel1Bits) ? nullptr : level1_[index1];
        if (!level2) {  // nothing shadowed in this whole gigabyte
            begin = (begin & ~(kLevel2Span - 1)) + kLevel2Span;
            continue;
        }
        uintptr_t page_end = (page + 1) << kPageBits;
        uintptr_t stop = end < page_end ? end : page_end;
        Granule*& slot = level2[page & ((uintptr_t{1} << kLevel2Bits) - 1)];
        if (slot) {
            if (begin == page << kPageBits && stop == page_end) {
                release_page(slot);
                slot = nullptr;
                if (cached_page_ == page) cached_page_ = ~uintptr_t{0};
            } else {
                size_t first = (begin >> kGranuleBits) & (kGranulesPerPage - 1);
                size_t last = ((stop - 1) >> kGranuleBits) & (kGranulesPerPage - 1);
                std::memset(&slot[first], 0, (last - first + 1) * sizeof(Granule));
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
        // The level-2 table stays (mapped_bytes only grows), emptied.
        madvise(level2, sizeof(Granule*) << kLevel2Bits, MADV_DONTNEED);
    }
    cached_page_ = ~uintptr_t{0};
    used_count_ = 0;
    used_overflow_ = false;
}

void ShadowMemory::reset_used() {
    if (used_overflow_) return reset_all();
    for (size_t i = 0; i < used_count_; ++i) {
        Granule*& slot = *used_[i];
        if (slot) release_page(slot), slot = nullptr;  // a page reset() released is null already
    }
    used_count_ = 0;
    cached_page_ = ~uintptr_t{0};
}

}  // namespace baton::rt
