// The grader's report: one row per program, as a table for people (text), or for programs
// as one JSON document (json), one JSON object per line (jsonl) or CSV. JSONL and CSV are
// made to be concatenated: the outputs of several shards merge with `cat` (CSV: keep one
// header).
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
    uint64_t executions = 0;
    double seconds = 0;   // wall time, build and check together
    std::string message;  // why this verdict: the first finding, or what went wrong
};

struct GradeRun {
    unsigned jobs = 1;
    double seconds = 0;
};

// Did this program have findings, or could it not be checked at all?
bool needs_attention(const SubmissionResult& result);

void write_grade_text(std::ostream& out, const std::vector<SubmissionResult>& results,
                      const GradeRun& run);
void write_grade_json(std::ostream& out, const std::vector<SubmissionResult>& results,
                      const GradeRun& run);
void write_grade_jsonl(std::ostream& out, const std::vector<SubmissionResult>& results);
void write_grade_csv(std::ostream& out, const std::vector<SubmissionResult>& results);

}  // namespace baton::cli
