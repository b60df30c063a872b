// The story of each finding `baton check` reports (report/story.h): the execution that showed
// it is run again with its trace recorded -- for a data race, first an execution in which an
// update is actually lost (scheduler/lost_update.h), whose schedule then replaces the race's.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "report/finding.h"
#include "report/story.h"
#include "report/runtime_findings.h"
#include "report/symbolizer.h"
#include "scheduler/explorer.h"

namespace baton::cli {

// Objects by their names (unquoted: 'mails' is "mails") and pcs as source lines. Valid while
// both arguments are, once `converter` has converted the execution's records.
report::TraceNames trace_names(report::Symbolizer& symbolizer, report::RuntimeFindings& converter);

// `records[i]` is the runtime record `findings[i]` came from (null for findings the process's
// end showed), `shown_by[i]` the execution that showed it; its schedule may be replaced.
// Fills each finding's `steps` and `story`; a finding whose execution cannot be traced keeps
// the steps it has.
void tell_stories(const scheduler::RunRequest& base, std::vector<report::Finding>& findings,
                  std::vector<scheduler::ExecutionReport>& shown_by, const std::vector<nlohmann::json>& records,
                  report::Symbolizer& symbolizer, report::RuntimeFindings& converter);

}  // namespace baton::cli
