// The story of each finding `baton check` reports (report/story.h): the execution that showed
// it is run again with its trace recorded -- for a data race, first an execution in which an
// update is actually lost (scheduler/lost_update.h), whose schedule then replaces the race's.
#pragma once

#include <chrono>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/finding.h"
#include "report/story.h"
#include "report/runtime_findings.h"
#include "report/symbolizer.h"
#include "scheduler/explorer.h"

namespace baton::cli {

// How long explaining the findings (shortening their schedules, telling their stories) may go
// on: each explanation runs the program again, and a program whose executions take seconds
// would otherwise spend minutes on them after the search. Explanations fit in what the search
// left of --time-limit, or past a search that used it all, in a quarter of it (2 s at least,
// 10 s at most).
class ExplanationTime {
public:
    ExplanationTime(std::chrono::steady_clock::time_point search_began, double time_limit_seconds);
    bool left() const { return std::chrono::steady_clock::now() < until_; }
    // `request` with its time limit cut to what is left (at least a millisecond).
    scheduler::RunRequest cut(scheduler::RunRequest request) const;

private:
    std::chrono::steady_clock::time_point until_;
};

// Objects by their names (unquoted: 'mails' is "mails") and pcs as source lines. Valid while
// both arguments are, once `converter` has converted the execution's records.
report::TraceNames trace_names(report::Symbolizer& symbolizer, report::RuntimeFindings& converter);

// Fills `finding`'s `steps` and `story`: `record` is the runtime record it came from (null
// for findings the process's end showed: no story), `shown_by` the execution that showed it,
// whose schedule may be replaced. A finding whose execution cannot be traced keeps the steps
// it has. Each story costs an execution or three, run with `limits`.
void tell_story(const scheduler::RunRequest& limits, report::Finding& finding, scheduler::ExecutionReport& shown_by,
                const nlohmann::json& record, report::Symbolizer& symbolizer, report::RuntimeFindings& converter);

}  // namespace baton::cli
