// The condition-variable model, shared by pthread_cond_* and C11 cnd_*.
#pragma once

#include <time.h>

#include <cstdint>

namespace baton::rt {

int cond_init(uintptr_t cond, clockid_t clock);
clockid_t cond_clock(uintptr_t cond);
// deadline: virtual time, kNoDeadline for none. Returns 0 or ETIMEDOUT.
int cond_wait(uintptr_t cond, uintptr_t mutex, uint64_t deadline, uintptr_t pc);
int cond_signal(uintptr_t cond, bool all, uintptr_t pc);
int cond_destroy(uintptr_t cond, uintptr_t pc);

}  // namespace baton::rt
