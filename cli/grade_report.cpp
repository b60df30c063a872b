#include "cli/grade_report.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "report/check_report.h"
#include "report/junit.h"
#include "report/sarif.h"

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

bool could_not_check(const SubmissionResult& result) {
    return result.verdict == verdict::kCompileError || result.verdict == verdict::kError ||
           result.verdict == verdict::kTimeout;
}

}  // namespace

bool needs_attention(const SubmissionResult& result) { return !result.counts.empty() || could_not_check(result); }

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

void write_grade_sarif(std::ostream& out, const std::vector<SubmissionResult>& results, const GradeRun& run,
                       const std::string& base_directory) {
    report::SarifLog log = report::check_sarif_log(run.fail_on);
    log.base_directory = base_directory;
    log.compared_to_baseline = !run.baseline.empty();
    for (const SubmissionResult& result : results) {
        if (result.verdict == verdict::kCompileError) log.failed_files.push_back(result.program);
        else if (could_not_check(result)) log.unanalyzed.push_back({result.message, {result.program}});
        for (report::Finding finding : result.details) {
            // Code scanning shows a result where it is: the program, if no source line says.
            if (!finding.location.known()) finding.location = {result.program};
            log.findings.push_back(std::move(finding));
        }
    }
    out << report::to_sarif(log).dump(2) << "\n";
}

void write_grade_junit(std::ostream& out, const std::vector<SubmissionResult>& results, const GradeRun& run) {
    report::CheckSummary summary;
    summary.fail_on = run.fail_on;
    std::vector<report::JunitCase> cases;
    for (const SubmissionResult& result : results) {
        report::JunitCase test;
        test.name = result.program;
        test.classname = "baton.check";
        test.seconds = result.seconds;
        if (could_not_check(result)) test.failures.push_back({result.verdict, result.message, result.message});
        for (const report::Finding& finding : result.details) {
            if (!report::fails_run(finding, summary)) continue;
            std::ostringstream text;
            report::write_findings_text(text, {finding}, false);
            test.failures.push_back({finding.kind, finding.message, text.str()});
        }
        cases.push_back(std::move(test));
    }
    out << report::to_junit("baton check", cases);
}

}  // namespace baton::cli
