#include "runtime/race_detector.h"

#include "runtime/execution.h"
#include "runtime/heap.h"
#include "runtime/report_channel.h"

namespace baton::rt {
namespace {

// A location whose race was reported: from then on it synchronizes like an SC atomic.
struct RacyLocation : SyncObject {
    static constexpr SyncKind kKind = SyncKind::RacyLocation;
    RacyLocation() : SyncObject(kKind) {}
};

struct PendingRace {
    AccessRecord previous;
    uintptr_t previous_address;  // where the previous access's bytes start
    uintptr_t address;
    size_t size;
    uint8_t flags;
    uintptr_t pc;
    std::vector<uintptr_t> stack;  // current thread's stack at the access
};
PendingRace g_pending_race;  // at most one: it is completed before the thread's next step

bool is_write(uint8_t flags) { return flags & kAccessWrite; }
bool is_atomic(uint8_t flags) { return flags & kAccessAtomic; }

void write_access(Record& record, const char* key, uint32_t thread, bool write, bool atomic,
                  uintptr_t pc, const std::vector<uintptr_t>& stack, uint64_t value, bool value_known) {
    record.begin_object(key).field("thread", thread).field("write", write).field("atomic", atomic);
    std::vector<uintptr_t> frames{pc};
    frames.insert(frames.end(), stack.begin(), stack.end());
    record.pcs("stack", frames);
    if (value_known) record.field("value", value);
    record.end_object();
}

void send_race(const PendingRace& race, uint64_t current_value) {
    Execution& ex = execution();
    Record record("finding");
    record.field("kind", "data-race")
        .field("address", uint64_t{race.address})
        .field("size", uint64_t{race.size});
    write_access(record, "current", ex.current().id, is_write(race.flags), is_atomic(race.flags),
                 race.pc, race.stack, current_value, race.size <= 8);
    std::vector<uintptr_t> previous_stack;
    ex.stacks().frames(race.previous.stack, previous_stack);
    write_access(record, "previous", race.previous.thread, race.previous.is_write(),
                 race.previous.is_atomic(), race.previous.pc, previous_stack, race.previous.value,
                 race.previous.size <= 8);
    record.field("previous_address", uint64_t{race.previous_address});
    HeapBlock block;
    if (find_heap_block(race.address, block)) {
        record.begin_object("heap")
            .field("base", uint64_t{block.base})
            .field("size", uint64_t{block.size})
            .field("thread", block.thread);
        std::vector<uintptr_t> frames;
        ex.stacks().frames(block.stack, frames);
        frames.insert(frames.begin(), block.pc);
        record.pcs("stack", frames).end_object();
    }
    const Thread* named[] = {&ex.current(), &ex.thread(race.previous.thread)};
    record.creation_sites(named).send();
}

// Racy locations are hot (every access to them synchronizes): remember the last few.
struct RacyCache {
    static constexpr size_t kEntries = 8;
    uintptr_t granule[kEntries] = {};
    RacyLocation* location[kEntries] = {};
    uint64_t generation = ~uint64_t{0};
} g_racy_cache;

RacyLocation& racy_location(uintptr_t granule) {
    SyncObjects& objects = execution().objects();
    RacyCache& cache = g_racy_cache;
    if (cache.generation != objects.generation()) {
        cache = RacyCache{};
        cache.generation = objects.generation();
    }
    size_t slot = (granule >> 3) % RacyCache::kEntries;
    if (cache.granule[slot] != granule || !cache.location[slot]) {
        cache.granule[slot] = granule;
        cache.location[slot] = &objects.get<RacyLocation>(granule);
        cache.generation = objects.generation();  // get() may have replaced an object
    }
    return *cache.location[slot];
}

void synchronize_racy(Thread& thread, uintptr_t granule, uint8_t flags) {
    RacyLocation& location = racy_location(granule);
    thread.clock.join(location.clock);
    if (is_write(flags)) {
        location.clock.join(thread.clock);
        thread.clock.tick(thread.id);
    }
}

void report_race(Thread& thread, Granule& granule, uintptr_t address, uint32_t size,
                 uint8_t flags, uintptr_t pc, const AccessRecord& previous) {
    uint8_t mask = static_cast<uint8_t>(((1u << size) - 1) << (address & 7));
    granule.records[0].racy_mask |= mask | previous.byte_mask();
    // The racing pair itself now orders the two threads (see the header comment).
    if (thread.clock.get(previous.thread) < previous.clock)
        thread.clock.set(previous.thread, previous.clock);

    PendingRace& race = g_pending_race;
    race.previous = previous;
    race.previous_address = (address & ~uintptr_t{7}) + previous.offset;
    race.address = address;
    race.size = size;
    race.flags = flags;
    race.pc = pc;
    race.stack.clear();
    for (uint32_t i = thread.calls.depth(); i-- > 0;) race.stack.push_back(thread.calls.frame(i));
    if (is_write(flags)) {
        // Sent once the value is in memory, at the thread's next step.
        thread.pending_write.report_race = true;
        thread.pending_write.address = address;
        thread.pending_write.size = size;
    } else {
        send_race(race, load_value(address, size));
    }
}

void check_granule(Thread& thread, uintptr_t address, uint32_t size, uint8_t flags, uintptr_t pc,
                   bool track_value) {
    Execution& ex = execution();
    Granule& granule = ex.shadow().granule(address);
    AccessRecord* records = granule.records;
    uint8_t offset = address & 7;
    uint8_t mask = static_cast<uint8_t>(((1u << size) - 1) << offset);
    if ((records[0].racy_mask & mask) == mask) {
        synchronize_racy(thread, address & ~uintptr_t{7}, flags);
        return;
    }
    bool write = is_write(flags), atomic = is_atomic(flags);
    int same = -1, subsumed = -1, empty = -1;
    const AccessRecord* racing = nullptr;
    for (int i = 0; i < Granule::kRecords; ++i) {
        const AccessRecord& record = records[i];
        if (record.clock == 0) {
            if (empty < 0) empty = i;
            continue;
        }
        uint8_t record_mask = record.byte_mask();
        if (!(record_mask & mask)) continue;
        // Does the new access catch every race the record would? (as strong, as non-atomic)
        bool stronger = (write || !record.is_write()) && (!atomic || record.is_atomic());
        if (record.thread == thread.id) {
            if (record_mask == mask && stronger) same = i;
            continue;
        }
        if (record.clock > thread.clock.get(record.thread)) {
            if ((write || record.is_write()) && !(atomic && record.is_atomic()) && !racing)
                racing = &record;
        } else if ((record_mask & ~mask) == 0 && stronger && subsumed < 0) {
            subsumed = i;
        }
    }
    if (racing) {
        AccessRecord previous = *racing;
        report_race(thread, granule, address, size, flags, pc, previous);
        // From now on the location synchronizes; this access is the first to do so.
        synchronize_racy(thread, address & ~uintptr_t{7}, flags);
    }
    int slot = same >= 0 ? same : subsumed >= 0 ? subsumed : empty;
    if (slot < 0) slot = records[0].victim++ % Granule::kRecords;
    AccessRecord& record = records[slot];
    record.clock = thread.clock.get(thread.id);
    record.thread = static_cast<uint16_t>(thread.id);
    record.offset = offset;
    record.size = static_cast<uint8_t>(size);
    record.flags = flags;
    record.stack = ex.stacks().intern(thread.calls);
    record.pc = pc;
    if (write) {
        record.value = 0;
        if (track_value) {
            thread.pending_write.value_slot = &record.value;
            thread.pending_write.address = address;
            thread.pending_write.size = size;
        }
    } else {
        record.value = load_value(address, size);
    }
}

}  // namespace

uint64_t load_value(uintptr_t address, size_t size) {
    const auto* p = reinterpret_cast<const unsigned char*>(address);
    uint64_t value = 0;
    for (size_t i = 0; i < size && i < 8; ++i) value |= uint64_t{p[i]} << (8 * i);
    return value;
}

void check_access(Thread& thread, uintptr_t address, size_t size, uint8_t flags, uintptr_t pc) {
    if (size == 0) return;
    bool single = (address & 7) + size <= 8;
    while (size > 0) {
        uint32_t chunk = static_cast<uint32_t>(8 - (address & 7));
        if (chunk > size) chunk = static_cast<uint32_t>(size);
        check_granule(thread, address, chunk, flags, pc, single);
        address += chunk;
        size -= chunk;
    }
}

void finish_pending_write_slow(Thread& thread) {
    Thread::PendingWrite& pending = thread.pending_write;
    uint64_t value = load_value(pending.address, pending.size);
    if (pending.value_slot) *pending.value_slot = value;
    bool report = pending.report_race;
    // No scheduling point came between the write and now (each comes after this call), so
    // the trace's last step is still the write's.
    if (pending.trace_value) execution().note_value(value);
    pending = Thread::PendingWrite{};
    if (report) send_race(g_pending_race, value);
}

}  // namespace baton::rt
