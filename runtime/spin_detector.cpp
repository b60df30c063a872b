#include "runtime/spin_detector.h"

#include "runtime/execution.h"
#include "runtime/race_detector.h"

namespace baton::rt {
namespace {

constexpr size_t kWindow = 32;                 // states hashed before backing off
constexpr uint32_t kMaxThreshold = 1u << 16;   // reads before suspicion, at most
constexpr size_t kMaxRemembered = 16;          // reads remembered for unparking

const WaitKind kBusyWait{
    "busy-wait",
    [](const Thread& waiter) { return !waiter.parked_for_spin; },
    [](const Thread&) { return kNoThread; },
    false,
    scheduler::OpKind::BusyWait,
};

uint64_t mix(uint64_t h, uint64_t value) {
    h ^= value + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    return h;
}

uint64_t hash_state(const Thread& thread, uintptr_t address, uint64_t value, uintptr_t pc,
                    uintptr_t caller_sp) {
    uint64_t h = mix(mix(mix(0, pc), address), value);
    uintptr_t top = thread.fiber ? thread.fiber->stack_high() : caller_sp;
    auto* word = reinterpret_cast<const uint64_t*>(caller_sp & ~uintptr_t{7});
    auto* end = reinterpret_cast<const uint64_t*>(top & ~uintptr_t{7});
    for (; word < end; ++word) h = mix(h, *word);
    return h;
}

void remember_read(Thread& thread, uintptr_t address, size_t size, uint64_t value, uintptr_t pc) {
    for (const SpinRead& read : thread.spin_reads)
        if (read.address == address && read.size == size) return;
    if (thread.spin_reads.size() < kMaxRemembered)
        thread.spin_reads.push_back({address, static_cast<uint32_t>(size), value, pc});
}

}  // namespace

bool suspect_spin(Thread& thread, uintptr_t address, size_t size, uintptr_t pc,
                  uintptr_t caller_sp) {
    RuntimeScope scope;
    uint64_t value = load_value(address, size);
    remember_read(thread, address, size, value, pc);
    uint64_t state = hash_state(thread, address, value, pc, caller_sp);
    for (uint64_t seen : thread.spin_states) {
        if (seen == state) {
            execution().park_current(pc);
            thread.spin_threshold = kSpinThreshold;
            observe_progress(thread);
            return true;
        }
    }
    thread.spin_states.push_back(state);
    if (thread.spin_states.size() >= kWindow) {
        // A loop that reads a lot but is going somewhere: look again later.
        if (thread.spin_threshold < kMaxThreshold) thread.spin_threshold *= 2;
        observe_progress(thread);
    }
    return false;
}

void Execution::park_current(uintptr_t pc) {
    Thread& thread = *current_;
    thread.parked_for_spin = true;
    ++parked_count_;
    uintptr_t object = thread.spin_reads.empty() ? 0 : thread.spin_reads.front().address;
    wait(kBusyWait, object, pc);
}

}  // namespace baton::rt
