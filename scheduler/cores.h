// How many cores baton may keep busy: the default of `--jobs` for `baton check` (runners
// and their programs) and for `baton grade` (programs checked at once).
#pragma once

#include <string>

namespace baton::scheduler {

// The cores this process may run on (its affinity mask, as `nproc` counts), narrowed by a
// CPU quota of its control group (a container's `--cpus`, a CI runner's limit), which the
// mask does not show: busy-waiting on cores the quota does not pay for only throttles.
unsigned usable_cores();

// The cores a quota gives, rounded up ("150000 100000" in cgroup v2's cpu.max: 2); 0 when
// the text sets no quota ("max 100000") or cannot be read.
unsigned cores_of_cpu_max(const std::string& cpu_max);

}  // namespace baton::scheduler
