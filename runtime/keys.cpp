// Thread-specific data: pthread_key_* (and C11 tss_*, which glibc builds on them), and
// pthread_once / call_once. Keys are per user-level thread, as they are per pthread.
#include <pthread.h>

#include <cerrno>
#include <vector>

#include "runtime/entry_points.h"
#include "runtime/spin_detector.h"

namespace baton::rt {
namespace {

struct Key {
    bool in_use = false;
    void (*destructor)(void*) = nullptr;
};

std::vector<Key>& keys() {
    static auto* table = new std::vector<Key>();
    return *table;
}

// Values of the main thread set before the runtime started (library constructors).
std::vector<void*>& early_values() {
    static auto* values = new std::vector<void*>();
    return *values;
}

std::vector<void*>& values_of_current() {
    return g_runtime_active ? execution().current().key_values : early_values();
}

struct OnceObject : SyncObject {
    static constexpr SyncKind kKind = SyncKind::Once;
    OnceObject() : SyncObject(kKind) {}
    enum class State { NotRun, Running, Done } state = State::NotRun;
    ThreadId runner = kNoThread;
};

const WaitKind kOnceWait{
    "once",
    [](const Thread& waiter) {
        auto* once = execution().objects().find<OnceObject>(waiter.wait.object);
        return !once || once->state != OnceObject::State::Running;
    },
    [](const Thread& waiter) {
        auto* once = execution().objects().find<OnceObject>(waiter.wait.object);
        return once ? once->runner : kNoThread;
    },
    false,
    scheduler::OpKind::Once,
};

}  // namespace

void run_thread_destructors(Thread& thread) {
    // POSIX: repeat while destructors set values again, at most PTHREAD_DESTRUCTOR_ITERATIONS.
    for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; ++round) {
        bool called = false;
        for (size_t key = 0; key < keys().size() && key < thread.key_values.size(); ++key) {
            void* value = thread.key_values[key];
            if (!value || !keys()[key].in_use || !keys()[key].destructor) continue;
            thread.key_values[key] = nullptr;
            keys()[key].destructor(value);
            called = true;
        }
        if (!called) break;
    }
    Fiber::run_tls_destructors();
}

int run_once(uintptr_t control, void (*routine)(), uintptr_t pc) {
    // The control word (pthread_once_t, once_flag) is 0 until the routine has run; the
    // model keeps it so, whichever path ran the routine.
    auto* flag = reinterpret_cast<int*>(control);
    if (!g_runtime_active || g_runtime_depth > 0) {
        // Before the runtime starts, only the main thread exists; inside the runtime (the
        // unwinder initializing itself), nothing is modelled.
        if (*flag == 0) *flag = 1, routine();
        return 0;
    }
    RuntimeScope scope;
    enter_runtime(BATON_CALLER_SP);
    execution().yield(pc, scheduler::Operation{scheduler::OpKind::Once, control});
    auto& once = execution().objects().get<OnceObject>(control);
    if (once.state == OnceObject::State::NotRun && *flag != 0) once.state = OnceObject::State::Done;
    if (once.state == OnceObject::State::Running) {
        execution().wait(kOnceWait, control, pc);
    }
    Thread& thread = execution().current();
    auto* found = execution().objects().find<OnceObject>(control);
    if (found && found->state == OnceObject::State::Done) {
        thread.clock.join(found->clock);
        return 0;
    }
    auto& fresh = execution().objects().get<OnceObject>(control);
    fresh.state = OnceObject::State::Running;
    fresh.runner = thread.id;
    {
        int depth = g_runtime_depth;
        g_runtime_depth = 0;  // the routine is program code
        routine();
        g_runtime_depth = depth;
    }
    Thread& after = execution().current();
    auto& done = execution().objects().get<OnceObject>(control);
    done.state = OnceObject::State::Done;
    *flag = 1;
    done.clock.join(after.clock);
    after.clock.tick(after.id);
    observe_progress(after);
    return 0;
}

}  // namespace baton::rt

using namespace baton::rt;

extern "C" {

int pthread_key_create(pthread_key_t* key, void (*destructor)(void*)) {
    auto& table = keys();
    size_t index = 0;
    while (index < table.size() && table[index].in_use) ++index;
    if (index >= PTHREAD_KEYS_MAX) return EAGAIN;
    if (index == table.size()) table.emplace_back();
    table[index] = Key{true, destructor};
    // A reused key starts with no value in any thread.
    if (g_runtime_active) {
        for (Thread* thread : execution().threads())
            if (index < thread->key_values.size()) thread->key_values[index] = nullptr;
    }
    if (index < early_values().size()) early_values()[index] = nullptr;
    *key = static_cast<pthread_key_t>(index);
    return 0;
}

int pthread_key_delete(pthread_key_t key) {
    if (key >= keys().size() || !keys()[key].in_use) return EINVAL;
    keys()[key].in_use = false;
    return 0;
}

void* pthread_getspecific(pthread_key_t key) {
    auto& values = values_of_current();
    return key < values.size() ? values[key] : nullptr;
}

int pthread_setspecific(pthread_key_t key, const void* value) {
    if (key >= keys().size() || !keys()[key].in_use) return EINVAL;
    auto& values = values_of_current();
    if (key >= values.size()) values.resize(key + 1, nullptr);
    values[key] = const_cast<void*>(value);
    return 0;
}

int pthread_once(pthread_once_t* control, void (*routine)()) {
    return run_once(reinterpret_cast<uintptr_t>(control), routine, BATON_CALLER_PC);
}

}  // extern "C"
