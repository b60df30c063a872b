// The grader's report: one row per program, as a table for people (text), or for programs
// as one JSON document (json), one JSON object per line (jsonl) or CSV. JSONL and CSV are
// made to be concatenated: the outputs of several shards merge with `cat` (CSV: keep one
// header). For CI, one SARIF log or one JUnit document covers every program.
#pragma once

#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/finding.h"

namespace baton::cli {

// A row's verdict: the three of `baton check` (bug, no-bug-found, verified), or why the
// program could not be checked.
namespace verdict {
inline constexpr const char* kCompileError = "compile-error";  // the build failed
inline constexpr const char* kError = "error";      // baton check could not check it
inline constexpr const char* kTimeout = "timeout";  // killed past its wall-time limit
}  // namespace verdict

struct SubmissionResult {
    std::string program;  // as the grader named it
    std::string verdict;
    std::map<std::string, int> counts;  // findings by kind
    nlohmann::json findings = nlohmann::json::array();  // {kind, message, location} each
    std::vector<report::Finding> details;  // the same findings whole (steps, stacks, fingerprint)
    uint64_t executions = 0;
    double seconds = 0;   // wall time, build and check together
    std::string message;  // why this verdict: the first finding, or what went wrong
};

struct GradeRun {
    unsigned jobs = 1;
    double seconds = 0;
    std::set<std::string> fail_on;  // the checks' --fail-on: the kinds that fail; empty: all
    std::string baseline;           // the checks' --baseline, or empty
};

// Did this program have findings, or could it not be checked at all?
bool needs_attention(const SubmissionResult& result);

void write_grade_text(std::ostream& out, const std::vector<SubmissionResult>& results,
                      const GradeRun& run);
void write_grade_json(std::ostream& out, const std::vector<SubmissionResult>& results,
                      const GradeRun& run);
void write_grade_jsonl(std::ostream& out, const std::vector<SubmissionResult>& results);
void write_grade_csv(std::ostream& out, const std::vector<SubmissionResult>& results);
// SARIF 2.1.0: one run (code scanning refuses several runs of one tool in one file) whose
// results are every program's findings, each at its own source file (a finding without one at
// its program); a program that could not be checked is an error notification naming why.
// `base_directory` (absolute) is what relative file names are relative to.
void write_grade_sarif(std::ostream& out, const std::vector<SubmissionResult>& results, const GradeRun& run,
                       const std::string& base_directory);
// JUnit XML: one test case per program, failing once per finding that fails the run, or once
// with its verdict (compile-error, error, timeout) when it could not be checked.
void write_grade_junit(std::ostream& out, const std::vector<SubmissionResult>& results, const GradeRun& run);

}  // namespace baton::cli
