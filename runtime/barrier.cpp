// Barriers: pthread_barrier_*. The count-th arrival completes a generation and releases
// everyone; every arrival's clock is joined, and every leaver acquires the join, so all that
// happened before the barrier in any thread happens before everything after it.
#include <pthread.h>

#include <cerrno>

#include "runtime/entry_points.h"
#include "runtime/oracles.h"
#include "runtime/spin_detector.h"

namespace baton::rt {
namespace {

struct BarrierObject : SyncObject {
    static constexpr SyncKind kKind = SyncKind::Barrier;
    BarrierObject() : SyncObject(kKind) {}
    unsigned count = 0;
    unsigned arrived = 0;
    uint64_t generation = 0;
    VectorClock completed;  // the join of the last completed generation's arrivals
};

const WaitKind kBarrierWait{
    "barrier",
    [](const Thread& waiter) {
        auto* barrier = execution().objects().find<BarrierObject>(waiter.wait.object);
        return !barrier || barrier->generation != waiter.wait.token;
    },
    [](const Thread&) { return kNoThread; },
    false,
    scheduler::OpKind::BarrierWait,
};

uintptr_t address_of(const void* object) { return reinterpret_cast<uintptr_t>(object); }

}  // namespace
}  // namespace baton::rt

using namespace baton::rt;

extern "C" {

int pthread_barrier_init(pthread_barrier_t* b, const pthread_barrierattr_t*, unsigned count) {
    if (count == 0) return EINVAL;
    BATON_ENTER(0);
    execution().objects().erase(address_of(b));
    execution().objects().get<BarrierObject>(address_of(b)).count = count;
    return 0;
}

int pthread_barrier_wait(pthread_barrier_t* b) {
    BATON_ENTER(0);
    Execution& ex = execution();
    uintptr_t address = address_of(b);
    uintptr_t pc = BATON_CALLER_PC;
    ex.yield(pc, scheduler::Operation{scheduler::OpKind::BarrierWait, address});
    auto& barrier = ex.objects().get<BarrierObject>(address);
    if (barrier.count == 0) return EINVAL;  // never initialized
    barrier.clock.join(self.clock);
    self.clock.tick(self.id);
    observe_progress(self);
    if (++barrier.arrived == barrier.count) {
        barrier.completed.assign(barrier.clock);
        barrier.clock.clear();
        barrier.arrived = 0;
        ++barrier.generation;
        self.clock.join(barrier.completed);
        return PTHREAD_BARRIER_SERIAL_THREAD;
    }
    ex.wait(kBarrierWait, address, pc, kNoDeadline, barrier.generation);
    if (auto* after = ex.objects().find<BarrierObject>(address)) self.clock.join(after->completed);
    return 0;
}

int pthread_barrier_destroy(pthread_barrier_t* b) {
    BATON_ENTER(0);
    auto* barrier = execution().objects().find<BarrierObject>(address_of(b));
    if (barrier && barrier->arrived > 0) {
        report_lock_misuse("destroys barrier {object} while threads wait on it", address_of(b),
                           BATON_CALLER_PC);
        return EBUSY;
    }
    execution().objects().erase(address_of(b));
    return 0;
}

}  // extern "C"
