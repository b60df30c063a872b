#include "cli/grade_report.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace baton::cli {
namespace {

// The order verdicts are counted in the summary line: worst news first.
const char* const kVerdictOrder[] = {"bug",          "no-bug-found",  "verified",
                                     verdict::kCompileError, verdict::kError, verdict::kTimeout};

double rounded(double seconds) { return std::round(seconds * 100) / 100; }

// "1 data-race, 2 deadlock", as the summary line of `baton check` counts them.
std::string counts_in_words(const std::map<std::string, int>& counts) {
    std::string text;
    for (const auto& [kind, count] : counts)
        text += fmt::format("{}{} {}", text.empty() ? "" : ", ", count, kind);
    return text;
}

// "data-race:1 deadlock:2": one CSV field a spreadsheet can search.
std::string counts_compact(const std::map<std::string, int>& counts) {
    std::string text;
    for (const auto& [kind, count] : counts)
        text += fmt::format("{}{}:{}", text.empty() ? "" : " ", kind, count);
    return text;
}

// RFC 4180: quote a field that holds a comma, a quote or a line break; double its quotes.
std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

nlohmann::json row_json(const SubmissionResult& result) {
    return {{"program", result.program},
            {"verdict", result.verdict},
            {"counts", result.counts},
            {"findings", result.findings},
            {"executions", result.executions},
            {"seconds", rounded(result.seconds)},
            {"message", result.message}};
}

std::string summary_line(const std::vector<SubmissionResult>& results, const GradeRun& run) {
    std::map<std::string, int> per_verdict;
    for (const SubmissionResult& result : results) ++per_verdict[result.verdict];
    std::string counts;
    for (const char* name : kVerdictOrder) {
        auto found = per_verdict.find(name);
        if (found == per_verdict.end()) continue;
        counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", found->second, name);
    }
    return fmt::format("{} program{}{}{}; {:.1f} s with {} job{}", results.size(),
                       results.size() == 1 ? "" : "s", counts.empty() ? "" : ": ", counts,
                       run.seconds, run.jobs, run.jobs == 1 ? "" : "s");
}

}  // namespace

bool needs_attention(const SubmissionResult& result) {
    return !result.counts.empty() || result.verdict == verdict::kCompileError ||
           result.verdict == verdict::kError || result.verdict == verdict::kTimeout;
}

void write_grade_text(std::ostream& out, const std::vector<SubmissionResult>& results,
                      const GradeRun& run) {
    size_t name_width = std::string("program").size();
    for (const SubmissionResult& result : results)
        name_width = std::max(name_width, result.program.size());
    size_t verdict_width = std::string(verdict::kCompileError).size();
    out << fmt::format("{:<{}}  {:<{}}  {:>10}  {:>7}  {}\n", "program", name_width, "verdict",
                       verdict_width, "executions", "seconds", "findings");
    for (const SubmissionResult& result : results) {
        // A program that was checked shows what was found; one that was not, why not.
        std::string detail =
            result.counts.empty() ? result.message : counts_in_words(result.counts);
        std::string line = fmt::format("{:<{}}  {:<{}}  {:>10}  {:>7.1f}  {}", result.program,
                                       name_width, result.verdict, verdict_width,
                                       result.executions, result.seconds, detail);
        out << line.substr(0, line.find_last_not_of(' ') + 1) << "\n";
    }
    out << "\n" << summary_line(results, run) << "\n";
}

void write_grade_json(std::ostream& out, const std::vector<SubmissionResult>& results,
                      const GradeRun& run) {
    nlohmann::json rows = nlohmann::json::array();
    std::map<std::string, int> per_verdict;
    for (const SubmissionResult& result : results) {
        rows.push_back(row_json(result));
        ++per_verdict[result.verdict];
    }
    nlohmann::json document = {{"tool", "baton"},
                               {"version", BATON_VERSION},
                               {"command", "check"},
                               {"programs", rows},
                               {"verdicts", per_verdict},
                               {"stats", {{"jobs", run.jobs}, {"seconds", rounded(run.seconds)}}}};
    out << document.dump(2) << "\n";
}

void write_grade_jsonl(std::ostream& out, const std::vector<SubmissionResult>& results) {
    for (const SubmissionResult& result : results) out << row_json(result).dump() << "\n";
}

void write_grade_csv(std::ostream& out, const std::vector<SubmissionResult>& results) {
    out << "program,verdict,findings,executions,seconds,message\n";
    for (const SubmissionResult& result : results)
        out << fmt::format("{},{},{},{},{:.2f},{}\n", csv_field(result.program),
                           csv_field(result.verdict), csv_field(counts_compact(result.counts)),
                           result.executions, result.seconds, csv_field(result.message));
}

}  // namespace baton::cli
