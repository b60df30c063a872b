// Crashes, aborts, failed assertions and the watchdog: each becomes a finding before the
// process ends the way it would have (same signal, same status).
#pragma once

#include <cstdint>

namespace baton::rt {

// Installs the handlers (on an alternate stack, so a stack overflow can be reported) and,
// when time_limit_ms > 0, a watchdog that ends an execution running longer than that.
void install_signal_handlers(uint64_t time_limit_ms);

}  // namespace baton::rt
