#include "runtime/shadow_memory.h"

#include <gtest/gtest.h>

using baton::rt::AccessRecord;
using baton::rt::Granule;
using baton::rt::ShadowMemory;

TEST(ShadowMemory, GranulesStartEmptyAndAreStable) {
    ShadowMemory& shadow = *ShadowMemory::create();
    uintptr_t address = 0x7f0000001008;
    Granule& granule = shadow.granule(address);
    for (const AccessRecord& record : granule.records) EXPECT_EQ(record.clock, 0u);
    granule.records[0].clock = 5;
    EXPECT_EQ(shadow.granule(address + 3).records[0].clock, 5u);  // same granule
    EXPECT_EQ(shadow.granule(address + 8).records[0].clock, 0u);  // the next one
    EXPECT_EQ(shadow.find(address), &granule);
}

TEST(ShadowMemory, FindDoesNotCreate) {
    ShadowMemory& shadow = *ShadowMemory::create();
    EXPECT_EQ(shadow.find(0x600000000000), nullptr);
}

TEST(ShadowMemory, ResetForgetsWholeAndPartialPages) {
    ShadowMemory& shadow = *ShadowMemory::create();
    uintptr_t page = 0x7f0000010000;
    for (uintptr_t a = page; a < page + 3 * 4096; a += 8) shadow.granule(a).records[1].clock = 9;
    shadow.reset(page + 4096 - 16, page + 2 * 4096 + 16);  // end of page 0 .. start of page 2
    EXPECT_EQ(shadow.granule(page).records[1].clock, 9u);
    EXPECT_EQ(shadow.granule(page + 4096 - 8).records[1].clock, 0u);
    EXPECT_EQ(shadow.granule(page + 4096 + 100).records[1].clock, 0u);
    EXPECT_EQ(shadow.granule(page + 2 * 4096 + 8).records[1].clock, 0u);
    EXPECT_EQ(shadow.granule(page + 2 * 4096 + 16).records[1].clock, 9u);
}

TEST(ShadowMemory, ResetOfARangeLargerThanThePagesInUseForgetsOnlyWhatIsInside) {
    ShadowMemory& shadow = *ShadowMemory::create();
    uintptr_t stack = 0x7f0000400000, size = uintptr_t{8} << 20;  // a thread stack
    uintptr_t inside[] = {stack + 8, stack + 4096 * 7 + 64, stack + size - 8};
    uintptr_t outside[] = {stack - 8, stack + size, stack + size + 4096 * 3};
    for (uintptr_t a : inside) shadow.granule(a).records[0].clock = 7;
    for (uintptr_t a : outside) shadow.granule(a).records[0].clock = 8;
    shadow.reset(inside[1] & ~uintptr_t{4095}, inside[1] + 64);  // released, then given out again
    shadow.granule(inside[1]).records[0].clock = 7;
    shadow.reset(stack + 8, stack + size);  // leaves the first granule, which is partial
    EXPECT_EQ(shadow.granule(stack).records[0].clock, 0u);
    shadow.granule(stack).records[0].clock = 6;
    shadow.reset(stack + 8, stack + size);
    EXPECT_EQ(shadow.granule(stack).records[0].clock, 6u);
    EXPECT_EQ(shadow.granule(inside[0]).records[0].clock, 0u);
    EXPECT_EQ(shadow.find(inside[1]), nullptr);
    EXPECT_EQ(shadow.find(inside[2]), nullptr);
    for (uintptr_t a : outside) EXPECT_EQ(shadow.granule(a).records[0].clock, 8u);
}

TEST(ShadowMemory, AddressesOutsideTheUserHalfShareADummy) {
    ShadowMemory& shadow = *ShadowMemory::create();
    Granule& a = shadow.granule(uintptr_t{1} << 50);
    Granule& b = shadow.granule((uintptr_t{1} << 50) + 4096);
    EXPECT_EQ(&a, &b);
}

TEST(ShadowMemory, ResetUsedForgetsEveryPageGivenOutSinceAndOwnsItsMemory) {
    ShadowMemory& shadow = *ShadowMemory::create();
    uintptr_t first = 0x7f0000100000, second = 0x5f0000000000;
    shadow.granule(first).records[0].clock = 3;
    shadow.granule(second + 64).records[2].clock = 4;
    shadow.reset(first, first + 4096);  // released already: reset_used skips it
    shadow.granule(first + 8).records[0].clock = 5;
    Granule* page = shadow.find(second);
    ASSERT_NE(page, nullptr);
    auto shadow_address = reinterpret_cast<uintptr_t>(page);
    EXPECT_TRUE(shadow.owns(shadow_address, shadow_address + 1));
    EXPECT_FALSE(shadow.owns(second, second + 4096));  // application memory
    size_t mapped = shadow.mapped_bytes();
    shadow.reset_used();
    EXPECT_EQ(shadow.find(first), nullptr);
    EXPECT_EQ(shadow.find(second + 64), nullptr);
    EXPECT_EQ(shadow.granule(second + 64).records[2].clock, 0u);  // recreated empty
    EXPECT_EQ(shadow.mapped_bytes(), mapped);                      // from the free list
}

TEST(AccessRecord, ByteMask) {
    AccessRecord record{};
    record.offset = 4;
    record.size = 4;
    EXPECT_EQ(record.byte_mask(), 0xF0);
    record.offset = 0;
    record.size = 8;
    EXPECT_EQ(record.byte_mask(), 0xFF);
}
