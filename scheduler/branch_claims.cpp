#include "scheduler/branch_claims.h"

#include <sched.h>
#include <sys/mman.h>

#include <new>

namespace baton::scheduler {
namespace {

// splitmix64's finalizer: a bijection that spreads every input bit over the output.
uint64_t mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9;
    x ^= x >> 27;
    x *= 0x94d049bb133111eb;
    return x ^ (x >> 31);
}

// Two chains with different constants: a collision needs both to collide.
struct Hasher {
    uint64_t high = 0x243f6a8885a308d3, low = 0x13198a2e03707344;
    void add(uint64_t value) {
        high = mix(high ^ value);
        low = mix((low ^ 0xa0761d6478bd642f) + value * 0xe7037ed1a0b428db);
    }
    void add(const Choice& choice) { add(uint64_t{choice.thread} << 8 | static_cast<uint64_t>(choice.kind)); }
};

constexpr size_t kMaxProbes = 4096;        // then the branch is everyone's
constexpr uint64_t kMaxWaits = 1'000'000;  // for a claimer between its two writes

}  // namespace

BranchKey branch_key(std::span<const uint64_t> preempt_on, std::span<const Choice> path, const Choice& next) {
    Hasher hasher;
    hasher.add(preempt_on.size());
    for (uint64_t location : preempt_on) hasher.add(location);
    hasher.add(path.size());
    for (const Choice& choice : path) hasher.add(choice);
    hasher.add(next);
    // 0 marks a free slot and an unwritten half.
    return {hasher.high | (hasher.high == 0), hasher.low | (hasher.low == 0)};
}

BranchClaims* BranchClaims::create(size_t slots) {
    size_t count = 1;
    while (count < slots) count <<= 1;
    size_t bytes = sizeof(BranchClaims) + count * sizeof(Slot);
    void* memory = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (memory == MAP_FAILED) return nullptr;
    // The mapping is zeros: every slot free.
    auto* claims = new (memory) BranchClaims();
    claims->mask_ = count - 1;
    claims->slots_ = reinterpret_cast<Slot*>(static_cast<char*>(memory) + sizeof(BranchClaims));
    return claims;
}

bool BranchClaims::claim(const BranchKey& key) {
    size_t at = mix(key.low) & mask_;
    for (size_t probe = 0; probe < kMaxProbes && probe <= mask_; ++probe, at = (at + 1) & mask_) {
        Slot& slot = slots_[at];
        uint64_t high = slot.high.load(std::memory_order_acquire);
        if (high == 0) {
            if (slot.high.compare_exchange_strong(high, key.high, std::memory_order_acq_rel)) {
                slot.low.store(key.low, std::memory_order_release);
                return true;
            }
            // Another job took the slot first; `high` is now its key.
        }
        if (high != key.high) continue;
        uint64_t low = 0;
        for (uint64_t waits = 0; (low = slot.low.load(std::memory_order_acquire)) == 0; ++waits) {
            if (waits == kMaxWaits) return true;  // its claimer died in between: explore it too
            sched_yield();
        }
        if (low == key.low) return false;
    }
    return true;
}

}  // namespace baton::scheduler
