// An execution's steps as text, for `baton replay` and `baton explore`: one line per step --
// step, thread, operation, target, value, source location -- under one header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/finding.h"
#include "report/runtime_findings.h"
#include "report/symbolizer.h"
#include "scheduler/trace.h"

namespace baton::cli {

// What operations touch: "'mails'", "thread 2", "-" (valid after names.convert()). A racy
// access names the 8-byte granule it is in; the race records give the variable's own address,
// which may lie further in (an int after another), so they are learned first.
class TargetNames {
public:
    explicit TargetNames(report::RuntimeFindings& names) : names_(names) {}
    void learn(const std::vector<nlohmann::json>& records);
    std::string operator()(const scheduler::Operation& op);
    // The racy variable in a granule.
    std::string granule_name(uint64_t granule);

private:
    report::RuntimeFindings& names_;
    std::map<uint64_t, uint64_t> racy_address_;  // granule -> a racy access's own address
};
// "race.c:13 (routine)", the function alone, or "-".
std::string location_text(const report::SourceLocation& location);
// The operation with how it was taken: "read", "cond-wake (timeout)", ...
std::string operation_text(const scheduler::TraceStep& step);

void print_trace_header();
// Step `index` (0-based) of `trace`, numbered from 1.
void print_trace_step(const scheduler::Trace& trace, size_t index, report::Symbolizer& symbolizer,
                      TargetNames& targets);
// The header and the steps from `first` on, and a note if the trace was cut short. With
// `shown_at_most` (0: no limit), a longer run of steps shows its first and last halves and a
// line that says which steps are left out (a loop that ran for the whole time limit makes
// millions of them).
void print_trace(const scheduler::Trace& trace, report::Symbolizer& symbolizer, TargetNames& targets,
                 size_t first = 0, size_t shown_at_most = 0);

}  // namespace baton::cli
