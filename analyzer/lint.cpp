// `baton lint`: options -> Clang over every file -> program model -> thread model -> checks
// -> NOLINT and baseline filtering -> one report (text, JSON or SARIF) -> exit status.
// Nothing is written until the whole report exists, so a failure never leaves half a report.
#include "analyzer/lint.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <tuple>

#include <llvm/Support/FileSystem.h>
#include <unistd.h>

#include "analyzer/baseline.h"
#include "analyzer/check.h"
#include "analyzer/check_globs.h"
#include "analyzer/driver.h"
#include "analyzer/options.h"
#include "analyzer/source_location.h"
#include "analyzer/suppression.h"
#include "analyzer/text_output.h"
#include "report/json.h"
#include "report/file_output.h"
#include "report/sarif.h"

namespace baton::analyzer {

namespace {

constexpr const char* kVersion = "0.1.0";

struct Outcome {
    std::vector<report::Finding> findings;
    int suppressed = 0;  // by NOLINT
    int baselined = 0;   // accepted by the baseline
};

int usage_error(const std::string& message) {
    std::fprintf(stderr, "baton lint: %s\n", message.c_str());
    return 2;
}

std::vector<std::unique_ptr<Check>> enabled_checks(const std::string& globs_text) {
    CheckGlobs globs(globs_text);
    std::vector<std::unique_ptr<Check>> enabled;
    for (auto& check : all_checks())
        if (globs.enables(check->id())) enabled.push_back(std::move(check));
    return enabled;
}

bool same_finding(const report::Finding& a, const report::Finding& b) {
    return a.kind == b.kind && a.message == b.message && a.location.file == b.location.file &&
           a.location.line == b.location.line && a.location.column == b.location.column;
}

Outcome run_checks(const std::vector<std::unique_ptr<Check>>& checks, const Program& program,
                   const std::set<std::string>& accepted, SourceText& sources) {
    ThreadModel threads(program);
    std::vector<report::Finding> all;
    for (const auto& check : checks) check->run(program, threads, all);
    std::stable_sort(all.begin(), all.end(), [](const report::Finding& a, const report::Finding& b) {
        return std::tie(a.location.file, a.location.line, a.location.column, a.kind) <
               std::tie(b.location.file, b.location.line, b.location.column, b.kind);
    });
    all.erase(std::unique(all.begin(), all.end(), same_finding), all.end());
    Outcome outcome;
    std::vector<report::Finding> kept;
    for (report::Finding& finding : all) {
        if (is_suppressed(finding, sources)) ++outcome.suppressed;
        else kept.push_back(std::move(finding));
    }
    assign_fingerprints(kept, sources);
    for (report::Finding& finding : kept) {
        if (accepted.count(finding.fingerprint)) ++outcome.baselined;
        else outcome.findings.push_back(std::move(finding));
    }
    return outcome;
}

nlohmann::json json_report(const Outcome& outcome, const AnalysisResult& analysis) {
    nlohmann::json findings = nlohmann::json::array();
    for (const report::Finding& finding : outcome.findings) {
        nlohmann::json entry = report::to_json(finding);
        entry["fingerprint"] = finding.fingerprint;
        if (!finding.fixits.empty()) {
            entry["fixits"] = nlohmann::json::array();
            for (const report::FixIt& fix : finding.fixits)
                entry["fixits"].push_back({{"begin", report::to_json(fix.begin)},
                                           {"end", report::to_json(fix.end)},
                                           {"replacement", fix.replacement}});
        }
        findings.push_back(entry);
    }
    return {{"tool", "baton"},          {"version", kVersion},
            {"command", "lint"},        {"files", analysis.analyzed},
            {"failed", analysis.failed}, {"findings", findings},
            {"suppressed", outcome.suppressed}, {"baselined", outcome.baselined}};
}

nlohmann::json sarif_report(const Outcome& outcome, const AnalysisResult& analysis,
                            const std::vector<std::unique_ptr<Check>>& checks) {
    report::SarifLog log;
    log.tool_version = kVersion;
    for (const auto& check : checks)
        log.rules.push_back({check->id(), check->summary(),
                             check->summary() + ".\n\nSee `docs/checks/" + check->id() +
                                 ".md` in the baton sources for the fix and an example."});
    log.findings = outcome.findings;
    log.failed_files = analysis.failed;
    log.base_directory = display_root();
    log.fingerprint_key = kFingerprintKey;
    return report::to_sarif(log);
}

// Writes all of `text` or reports why not; a file is replaced only once complete.
std::optional<std::string> deliver(const std::string& text, const std::optional<std::string>& path) {
    if (!path) {
        std::cout << text << std::flush;
        return std::cout ? std::nullopt : std::optional<std::string>("cannot write to standard output");
    }
    std::string error;
    if (!report::write_file_atomically(*path, text, error)) return error;
    return std::nullopt;
}

void summarize(const Outcome& outcome, const AnalysisResult& analysis) {
    std::size_t count = outcome.findings.size();
    if (count || outcome.suppressed || outcome.baselined)
        std::fprintf(stderr, "baton lint: %zu finding%s in %zu file%s (%d suppressed by NOLINT, %d "
                             "accepted by the baseline)\n",
                     count, count == 1 ? "" : "s", analysis.analyzed.size(),
                     analysis.analyzed.size() == 1 ? "" : "s", outcome.suppressed, outcome.baselined);
    for (const std::string& file : analysis.failed)
        std::fprintf(stderr, "baton lint: '%s' did not compile; it was not analyzed\n", file.c_str());
}

int lint(const LintOptions& options) {
    auto checks = enabled_checks(options.checks);
    if (checks.empty()) return usage_error("--checks='" + options.checks + "' enables no check");
    if (options.list_checks) {
        std::printf("Enabled checks:\n");
        for (const auto& check : checks) std::printf("    %-28s %s\n", check->id().c_str(), check->summary().c_str());
        return 0;
    }
    std::set<std::string> accepted;
    if (options.baseline) {
        auto loaded = load_baseline(*options.baseline);
        if (auto* error = std::get_if<std::string>(&loaded)) return usage_error(*error);
        accepted = std::get<std::set<std::string>>(loaded);
    }
    auto analyzed = analyze_files(options);
    if (auto* error = std::get_if<std::string>(&analyzed)) return usage_error(*error);
    const AnalysisResult& analysis = std::get<AnalysisResult>(analyzed);
    SourceText sources;
    Outcome outcome = run_checks(checks, analysis.program, accepted, sources);
    std::ostringstream text;
    if (options.format == OutputFormat::Json) text << json_report(outcome, analysis).dump(2) << '\n';
    else if (options.format == OutputFormat::Sarif) text << sarif_report(outcome, analysis, checks).dump(2) << '\n';
    else {
        bool color = options.color == ColorMode::Always ||
                     (options.color == ColorMode::Auto && !options.output && isatty(STDOUT_FILENO));
        write_text(outcome.findings, sources, color, text);
    }
    if (auto error = deliver(text.str(), options.output)) return usage_error(*error);
    if (!options.quiet) summarize(outcome, analysis);
    if (!analysis.failed.empty()) return 2;
    return outcome.findings.empty() ? 0 : 1;
}

}  // namespace

int lint_main(int argc, const char** argv) {
    auto parsed = parse_lint_options(argc, argv);
    if (auto* error = std::get_if<std::string>(&parsed)) return usage_error(*error);
    const LintOptions& options = std::get<LintOptions>(parsed);
    if (options.help) {
        std::fputs(kLintUsage, stdout);
        return 0;
    }
    llvm::SmallString<256> cwd;
    if (!llvm::sys::fs::current_path(cwd)) set_display_root(std::string(cwd));
    try {
        return lint(options);
    } catch (const std::exception& error) {
        return usage_error(std::string("internal error: ") + error.what());
    }
}

}  // namespace baton::analyzer
