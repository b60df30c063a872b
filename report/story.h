// The story of a finding: from the execution that showed it (its trace, scheduler/trace.h)
// and the runtime's record of the finding, the few steps a person needs to follow the failure
// -- the conflicting accesses, the preemption between them, the locks held and waited for --
// each with its source line and value, and one sentence that says what went wrong.
//
// What matters depends on the kind:
//   data-race          a lost update (a read, another thread's writes, the stale write) when
//                      the trace shows one; else the racing accesses it shows
//   deadlock           each blocked thread's acquisitions of what others wait for, and its wait
//                      (a condition variable's earlier signals: the lost wakeup)
//   livelock           the spinning thread's reads and the last write to what it spins on
//   lock-misuse        the steps on the misused object, then the misuse
//   nontermination     the loop the running thread was caught in: one turn's steps and what it
//                      re-reads that no other thread writes; or that it reached no visible step
//   assertion-failure, crash: the last steps before it
// Pure: the caller names objects and program counters (a symbolizer), so it is testable on
// hand-built traces.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/finding.h"
#include "scheduler/trace.h"

namespace baton::report {

struct TraceNames {
    std::function<std::string(uint64_t address)> object;  // 'mails', 'm', ...
    std::function<SourceLocation(uint64_t pc)> location;
};

struct Story {
    std::vector<Step> steps;
    std::string summary;  // one sentence; empty when the trace tells nothing more
};

// `record` is the runtime's finding record (scheduler/protocol.h), `trace` the execution's.
Story tell_story(const nlohmann::json& record, const scheduler::Trace& trace, const TraceNames& names);

// A step of the trace as the story and the swimlane show it.
Step trace_step(const scheduler::Trace& trace, size_t index, const TraceNames& names);

}  // namespace baton::report
