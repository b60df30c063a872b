// The runtime's model of every synchronization object the program uses, keyed by the
// object's address (the pthread_mutex_t*, sem_t*, atomic variable, ...). Each primitive
// family defines its own object type (runtime/mutex.cpp, ...) derived from SyncObject.
//
// Objects die with their memory: free() and a finished thread's stack erase the objects in
// the range, so a new object at a reused address starts fresh. An address reused by an
// object of another kind (without free) is replaced too.
#pragma once

#include <cstdint>
#include <map>
#include <memory>

#include "runtime/vector_clock.h"

namespace baton::rt {

enum class SyncKind : uint8_t {
    Mutex, RwLock, CondVar, Semaphore, Barrier, Spinlock, Once, Atomic, RacyLocation, Futex,
};

struct SyncObject {
    explicit SyncObject(SyncKind kind) : kind(kind) {}
    virtual ~SyncObject() = default;
    const SyncKind kind;
    VectorClock clock;  // what a thread that acquires this object learns
};

class SyncObjects {
public:
    // The object of type T at `address`, created (fresh) if there is none or one of another
    // kind. T must derive from SyncObject and define `static constexpr SyncKind kKind`.
    template <class T>
    T& get(uintptr_t address, bool* created = nullptr) {
        auto it = objects_.find(address);
        if (it != objects_.end() && it->second->kind == T::kKind) {
            if (created) *created = false;
            return static_cast<T&>(*it->second);
        }
        auto object = std::make_unique<T>();
        T& result = *object;
        if (it != objects_.end()) ++generation_;  // an object of another kind dies
        objects_[address] = std::move(object);
        if (created) *created = true;
        return result;
    }

    template <class T>
    T* find(uintptr_t address) {
        auto it = objects_.find(address);
        if (it == objects_.end() || it->second->kind != T::kKind) return nullptr;
        return static_cast<T*>(it->second.get());
    }

    void erase(uintptr_t address) {
        if (objects_.erase(address)) ++generation_;
    }

    void erase_range(uintptr_t begin, uintptr_t end) {
        if (objects_.empty()) return;
        auto first = objects_.lower_bound(begin), last = objects_.lower_bound(end);
        if (first == last) return;
        objects_.erase(first, last);
        ++generation_;
    }

    void clear() {
        objects_.clear();
        ++generation_;
    }

    // Changes whenever an object is destroyed: pointers cached under an older generation
    // may dangle.
    uint64_t generation() const { return generation_; }

private:
    std::map<uintptr_t, std::unique_ptr<SyncObject>> objects_;
    uint64_t generation_ = 0;
};

}  // namespace baton::rt
