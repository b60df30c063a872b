// Shadow memory: for every 8-byte granule of application memory that instrumented code
// touched, the last few accesses to it (who, when in happens-before terms, where, what value).
//
// Layout: a two-level page table from application pages (4 KiB) to shadow pages (512
// granules of 128 bytes). Shadow pages are carved from large lazily-committed mappings, so
// memory is spent only on pages the program shares, and never on one mapping per page.
#pragma once

#include <cstddef>
#include <cstdint>

namespace baton::rt {

// One recorded access to bytes [offset, offset + size) of a granule. clock == 0: empty.
struct AccessRecord {
    static constexpr uint8_t kWrite = 1;
    static constexpr uint8_t kAtomic = 2;

    uint32_t clock;
    uint16_t thread;
    uint8_t offset;
    uint8_t size;
    uint8_t flags;
    uint8_t racy_mask;  // record 0 only: bytes of the granule already reported as racy
    uint8_t victim;     // record 0 only: next record to evict when all are in use
    uint8_t unused;
    uint32_t stack;     // StackDepot id of the caller's stack
    uintptr_t pc;       // the access itself
    uint64_t value;     // value read, or written

    bool is_write() const { return flags & kWrite; }
    bool is_atomic() const { return flags & kAtomic; }
    uint8_t byte_mask() const { return static_cast<uint8_t>(((1u << size) - 1) << offset); }
};
static_assert(sizeof(AccessRecord) == 32);

struct Granule {
    static constexpr int kRecords = 4;
    AccessRecord records[kRecords];
};
static_assert(sizeof(Granule) == 128);

class ShadowMemory {
public:
    static constexpr int kGranuleBits = 3;
    static constexpr int kPageBits = 12;
    static constexpr size_t kGranulesPerPage = size_t{1} << (kPageBits - kGranuleBits);

    // The shadow lives in memory of its own, outside the program's heap: an in-process reset
    // (runtime/server.h) restores the heap, and the shadow must survive that.
    static ShadowMemory* create();
    ShadowMemory(const ShadowMemory&) = delete;
    ShadowMemory& operator=(const ShadowMemory&) = delete;

    // The granule of `address`, created (zeroed) on first use.
    Granule& granule(uintptr_t address) {
        uintptr_t page = address >> kPageBits;
        if (page != cached_page_) {
            cached_shadow_ = shadow_page(page, /*create=*/true);
            cached_page_ = page;
        }
        return cached_shadow_[(address >> kGranuleBits) & (kGranulesPerPage - 1)];
    }

    // The granule of `address` if it was ever touched, else null.
    Granule* find(uintptr_t address);

    // Forgets all accesses to [begin, end): memory freed, or a stack reused. A range larger
    // than the pages given out so far (an 8 MiB stack) visits those pages, not the range.
    void reset(uintptr_t begin, uintptr_t end);

    // Forgets everything.
    void reset_all();

    // Forgets every page given out since the last call (or reset_all): after an execution
    // that began with an empty shadow, so the shadow is empty again. Cheap: it visits only
    // those pages.
    void reset_used();

    // Bytes of address space mapped so far (it only grows): an in-process reset tells the
    // shadow's growth from the program's.
    size_t mapped_bytes() const { return mapped_bytes_; }
    // Whether [begin, end) overlaps memory of the shadow's.
    bool owns(uintptr_t begin, uintptr_t end) const;
    template <class Visit>
    void for_each_mapping(Visit visit) const {
        for (size_t i = 0; i < mapping_count_; ++i) visit(mappings_[i].begin, mappings_[i].end);
    }

private:
    static constexpr int kLevel2Bits = 30 - kPageBits;  // a level-2 table covers 1 GiB
    static constexpr int kLevel1Bits = 47 - 30;         // the user half of the address space

    ShadowMemory();
    Granule* shadow_page(uintptr_t page, bool create);
    void reset_pages(uintptr_t begin, uintptr_t end);
    void reset_used_in(uintptr_t begin, uintptr_t end);
    Granule* allocate_page();
    void release_page(Granule* page);
    void* map_zeroed(size_t bytes);

    Granule*** level1_ = nullptr;  // [1 << kLevel1Bits] -> [1 << kLevel2Bits] -> page
    uintptr_t cached_page_ = ~uintptr_t{0};
    Granule* cached_shadow_ = nullptr;
    Granule* dummy_page_ = nullptr;  // shadow for addresses outside the user half
    Granule* free_pages_ = nullptr;  // released pages, linked through their first word
    char* chunk_next_ = nullptr;
    char* chunk_end_ = nullptr;
    size_t mapped_bytes_ = 0;
    // Level-2 slots given a page since reset_used (a fixed array: no heap), and the
    // application page of each. Without overflow, every live shadow page is among them.
    static constexpr size_t kUsedCapacity = size_t{1} << 16;
    Granule*** used_ = nullptr;
    uintptr_t* used_pages_ = nullptr;
    size_t used_count_ = 0;
    bool used_overflow_ = false;
    // Every mapping of the shadow's, for owns(): few (the table, chunks, level-2 tables).
    static constexpr size_t kMaxMappings = 4096;
    struct Mapping {
        uintptr_t begin, end;
    };
    Mapping mappings_[kMaxMappings];
    size_t mapping_count_ = 0;
};

}  // namespace baton::rt
