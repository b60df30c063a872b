// The report of `baton check`: human text (the default), the JSON document of PRODUCT.md,
// SARIF for code scanning and JUnit XML for CI test views (docs/ci.md).
#pragma once

#include <ostream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/finding.h"
#include "report/sarif.h"

namespace baton::report {

struct CheckSummary {
    std::string program;   // as the user named it
    std::string verdict;   // "bug", "no-bug-found" or "verified"
    size_t executions = 0;
    std::string strategy;  // what produced the executions ("default+random")
    bool complete = false; // the whole state space was explored
    size_t sleep_blocked = 0;            // redundant DPOR executions cut short
    size_t repeated_waits = 0;           // likewise, a thread back in a condition wait
    size_t processes = 0;                // processes the program was started in
    std::vector<std::string> bounds;     // what kept the search from being complete
    double seconds = 0;
    std::set<std::string> fail_on;       // `--fail-on`: the kinds that fail the run; empty: all
    std::string baseline;                // `--baseline` file, or empty
};

struct FindingKind {
    const char* id;       // `data-race`
    const char* summary;  // one line: what it means
};

// Every kind of finding `baton check` reports (PRODUCT.md), in the contract's order.
const std::vector<FindingKind>& finding_kinds();
// The text of a source line, without its indentation; "" when the file cannot be read.
std::string source_line(const SourceLocation& location);

// Is this kind a bug (as opposed to a note such as output-divergence)?
bool is_bug_kind(const std::string& kind);

// Does this finding make the run fail (exit status 1, a JUnit failure, a new SARIF result)?
// Not when a baseline accepts it or `--fail-on` leaves its kind out.
bool fails_run(const Finding& finding, const CheckSummary& summary);

// `swimlanes`: each finding's steps also as a swimlane, one column per thread (`--trace`).
void write_check_text(std::ostream& out, const std::vector<Finding>& findings,
                      const CheckSummary& summary, bool color, bool swimlanes = false);
// The findings alone, as in the text report (`baton replay` prints them after the trace).
void write_findings_text(std::ostream& out, const std::vector<Finding>& findings, bool color,
                         bool swimlanes = false);
nlohmann::json check_json(const std::vector<Finding>& findings, const CheckSummary& summary);
// The SARIF log of `baton check` without results: its tool, one rule per finding kind (an
// error when it fails the run, else a note) and its fingerprint key.
SarifLog check_sarif_log(const std::set<std::string>& fail_on);
// SARIF 2.1.0: one result per finding, the interleaving as codeFlows (report/sarif.h).
// `base_directory` (absolute) is what relative file names are relative to.
nlohmann::json check_sarif(const std::vector<Finding>& findings, const CheckSummary& summary,
                           const std::string& base_directory);
// JUnit XML: the program is one test case, failing once per finding that fails the run.
std::string check_junit(const std::vector<Finding>& findings, const CheckSummary& summary);

}  // namespace baton::report
