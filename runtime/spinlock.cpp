// Spinlocks: pthread_spin_*. Modelled as a mutex that waits rather than spins: under a
// cooperative scheduler a spinning waiter could never see the holder release it, and the
// interleavings are the same.
#include <pthread.h>

#include <cerrno>

#include "runtime/entry_points.h"
#include "runtime/mutex.h"

using namespace baton::rt;

namespace {
uintptr_t address_of(const volatile void* object) {
    return reinterpret_cast<uintptr_t>(const_cast<void*>(object));
}
}  // namespace

extern "C" {

int pthread_spin_init(pthread_spinlock_t* lock, int) {
    *lock = 0;
    BATON_ENTER(0);
    return mutex_init(address_of(lock), MutexType::ErrorCheck, BATON_CALLER_PC);
}

int pthread_spin_lock(pthread_spinlock_t* lock) {
    BATON_ENTER(0);
    uintptr_t address = address_of(lock);
    if (mutex_object(address).owner == self.id) mutex_object(address).type = MutexType::Normal;
    return mutex_lock(address, kNoDeadline, BATON_CALLER_PC);  // relocking: self-deadlock
}

int pthread_spin_trylock(pthread_spinlock_t* lock) {
    BATON_ENTER(0);
    return mutex_lock(address_of(lock), 0, BATON_CALLER_PC);
}

int pthread_spin_unlock(pthread_spinlock_t* lock) {
    BATON_ENTER(0);
    return mutex_unlock(address_of(lock), BATON_CALLER_PC);
}

int pthread_spin_destroy(pthread_spinlock_t* lock) {
    BATON_ENTER(0);
    return mutex_destroy(address_of(lock), BATON_CALLER_PC);
}

}  // extern "C"
