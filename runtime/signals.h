// Crashes, aborts, failed assertions and the watchdog: each becomes a finding before the
// process ends the way it would have (same signal, same status).
#pragma once

#include <cstdint>

namespace baton::rt {

// Installs the crash handlers, on an alternate stack so a stack overflow can be reported.
void install_signal_handlers();
// The watchdog that ends an execution running past its time limit (real time). prepare
// creates its timer; arm starts it for this execution (0: disarms it); idle tells it that
// the execution ended and the server waits for the next (a firing timer is then ignored).
void prepare_watchdog();
void arm_watchdog(uint64_t time_limit_ms);
void idle_watchdog();

}  // namespace baton::rt
