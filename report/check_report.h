// The report of `baton check`: human text (the default) and the JSON document of PRODUCT.md.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/finding.h"

namespace baton::report {

struct CheckSummary {
    std::string program;   // as the user named it
    std::string verdict;   // "bug", "no-bug-found" or "verified"
    size_t executions = 0;
    std::string strategy;  // what produced the executions ("default+random")
    bool complete = false; // the whole state space was explored
    size_t sleep_blocked = 0;            // redundant DPOR executions cut short
    std::vector<std::string> bounds;     // what kept the search from being complete
    double seconds = 0;
};

// The text of a source line, without its indentation; "" when the file cannot be read.
std::string source_line(const SourceLocation& location);

// Is this kind a bug (as opposed to a note such as output-divergence)?
bool is_bug_kind(const std::string& kind);

// `swimlanes`: each finding's steps also as a swimlane, one column per thread (`--trace`).
void write_check_text(std::ostream& out, const std::vector<Finding>& findings,
                      const CheckSummary& summary, bool color, bool swimlanes = false);
// The findings alone, as in the text report (`baton replay` prints them after the trace).
void write_findings_text(std::ostream& out, const std::vector<Finding>& findings, bool color,
                         bool swimlanes = false);
nlohmann::json check_json(const std::vector<Finding>& findings, const CheckSummary& summary);

}  // namespace baton::report
