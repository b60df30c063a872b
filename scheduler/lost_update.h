// After a data race on a location is found, an execution that shows what it costs: a thread
// has loaded the location and is preempted before it stores, another thread writes it several
// times, and the first thread's store then overwrites them (a lost update). The race's own
// execution rarely shows that -- plain accesses are scheduling points only once found racy --
// so this builds one from the default schedule with the location as a preemption point. (The
// preemption is at the store: ThreadSanitizer does not instrument a load its store covers.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scheduler/execution_runner.h"
#include "scheduler/trace.h"

namespace baton::scheduler {

struct LostUpdateExecution {
    std::string schedule;              // replays it (scheduler/schedule.h)
    std::vector<uint64_t> preempt_on;  // with these locations as scheduling points
    ExecutionOutcome outcome;
    Trace trace;
};

// Returns false when no thread writes `address` a second time where another thread could run
// instead, or an execution failed.
// `base` gives the program, its arguments and limits; `other_writes` is how many writes of the
// other thread to let happen before the stale write.
bool find_lost_update(const RunRequest& base, uint64_t address, const std::vector<uint64_t>& preempt_on,
                      LostUpdateExecution& found, uint32_t other_writes = 20);

}  // namespace baton::scheduler
