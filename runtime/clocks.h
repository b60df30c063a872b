// Sleeping on virtual time, shared by the POSIX and C11 interfaces.
#pragma once

#include <cstdint>

namespace baton::rt {

// Suspends the current thread until virtual time `deadline` (a scheduling point at least).
int sleep_until(uint64_t deadline, uintptr_t pc);

}  // namespace baton::rt
