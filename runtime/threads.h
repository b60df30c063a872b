// Thread operations shared by the pthread and C11 <threads.h> interfaces.
#pragma once

#include <pthread.h>

#include <cstdint>

#include "runtime/thread.h"

namespace baton::rt {

pthread_t to_pthread(ThreadId id);
Thread* from_pthread(pthread_t handle);  // null for an unknown handle

int create_thread(pthread_t* handle, const pthread_attr_t* attr, void* (*start)(void*), void* arg,
                  uintptr_t pc);
// deadline 0: try only (tryjoin); kNoDeadline: wait for ever.
int join_thread(pthread_t handle, void** result, uint64_t deadline, uintptr_t pc);
[[noreturn]] void exit_thread(void* result);

// At a cancellation point: ends the thread if another thread cancelled it.
void act_on_cancellation(Thread& thread);

}  // namespace baton::rt
