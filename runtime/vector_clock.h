// Vector clocks for happens-before. Thread ids are small dense integers (0 = main), so a clock
// is a plain array indexed by thread id; missing entries are 0.
//
// An epoch is one component, (thread, clock). FastTrack's observation: most accesses need only
// an epoch compared against the current thread's clock (`covers`), not a whole vector.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace baton::rt {

using ThreadId = uint32_t;
constexpr ThreadId kNoThread = UINT32_MAX;

class VectorClock {
public:
    uint32_t get(ThreadId thread) const { return thread < ticks_.size() ? ticks_[thread] : 0; }

    void set(ThreadId thread, uint32_t value) {
        if (thread >= ticks_.size()) ticks_.resize(thread + 1, 0);
        ticks_[thread] = value;
    }

    void tick(ThreadId thread) { set(thread, get(thread) + 1); }

    // Does this clock include the event `clock` of `thread`? (epoch <= vector)
    bool covers(ThreadId thread, uint32_t clock) const { return clock <= get(thread); }

    // Pointwise maximum: after this, everything `other` has seen, this has seen.
    void join(const VectorClock& other) {
        if (other.ticks_.size() > ticks_.size()) ticks_.resize(other.ticks_.size(), 0);
        for (size_t i = 0; i < other.ticks_.size(); ++i)
            ticks_[i] = std::max(ticks_[i], other.ticks_[i]);
    }

    void assign(const VectorClock& other) { ticks_ = other.ticks_; }
    void clear() { ticks_.clear(); }
    // Clears it and gives its memory back: a finished thread's clock, once nobody needs it.
    void release() { std::vector<uint32_t>().swap(ticks_); }
    bool empty() const { return ticks_.empty(); }
    size_t size() const { return ticks_.size(); }

    // Is every component <= the other's? (this happens-before-or-equals other)
    bool precedes_or_equals(const VectorClock& other) const {
        for (size_t i = 0; i < ticks_.size(); ++i)
            if (ticks_[i] > other.get(static_cast<ThreadId>(i))) return false;
        return true;
    }

private:
    std::vector<uint32_t> ticks_;
};

}  // namespace baton::rt
