#include "report/check_report.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <fstream>
#include <map>
#include <sstream>

#include "report/baseline.h"
#include "report/json.h"
#include "report/junit.h"
#include "report/sarif.h"
#include "report/swimlane.h"

namespace baton::report {
namespace {

struct Style {
    bool color;
    std::string bold(const std::string& s) const { return color ? "\033[1m" + s + "\033[0m" : s; }
    std::string red(const std::string& s) const { return color ? "\033[1;31m" + s + "\033[0m" : s; }
    std::string green(const std::string& s) const { return color ? "\033[1;32m" + s + "\033[0m" : s; }
    std::string dim(const std::string& s) const { return color ? "\033[2m" + s + "\033[0m" : s; }
};

std::string location_text(const SourceLocation& location) {
    if (!location.known()) return location.function.empty() ? "(unknown location)" : location.function;
    std::string text = fmt::format("{}:{}", location.file, location.line);
    if (location.column > 0) text += fmt::format(":{}", location.column);
    return text;
}

}  // namespace

std::string source_line(const SourceLocation& location) {
    if (!location.known()) return "";
    std::ifstream file(location.file);
    std::string line;
    for (int i = 0; i < location.line && std::getline(file, line); ++i) {}
    if (!file) return "";
    size_t first = line.find_first_not_of(" \t");
    return first == std::string::npos ? "" : line.substr(first);
}

namespace {

void write_frames(std::ostream& out, const std::vector<Frame>& frames, const Style& style) {
    for (size_t i = 0; i < frames.size(); ++i) {
        const SourceLocation& location = frames[i].location;
        std::string function = location.function.empty() ? "??" : location.function;
        fmt::print(out, "      #{} {} {}\n", i, function, style.dim(location_text(location)));
    }
}

// The steps that matter, numbered, each with its source line, and what they add up to.
void write_story(std::ostream& out, const Finding& finding, const Style& style) {
    if (finding.steps.empty()) return;
    fmt::print(out, "  how it happens:\n");
    for (size_t i = 0; i < finding.steps.size(); ++i) {
        const Step& step = finding.steps[i];
        std::vector<std::string> where;
        if (step.location.known()) where.push_back(location_text(step.location));
        if (step.index > 0) where.push_back(fmt::format("step {}", step.index));
        fmt::print(out, "  {:>3}. thread {}: {}{}\n", i + 1, step.thread, step_action(step),
                   where.empty() ? "" : "  " + style.dim(fmt::format("({})", fmt::join(where, ", "))));
        if (std::string line = source_line(step.location); !line.empty())
            fmt::print(out, "       {:>5} | {}\n", step.location.line, line);
        if (!step.note.empty()) fmt::print(out, "       {}\n", step.note);
    }
    if (!finding.story.empty()) fmt::print(out, "  {} {}\n", style.bold("=>"), finding.story);
}

void write_finding(std::ostream& out, const Finding& finding, size_t index, const Style& style, bool lanes) {
    fmt::print(out, "\n{} {}{}\n", style.red(fmt::format("[{}] {}:", index, finding.kind)),
               style.bold(finding.message),
               finding.accepted_by.empty() ? "" : style.dim(" (accepted by the baseline " + finding.accepted_by + ")"));
    fmt::print(out, "  --> {}{}\n", location_text(finding.location),
               finding.location.function.empty() ? "" : " in " + finding.location.function);
    if (std::string line = source_line(finding.location); !line.empty())
        fmt::print(out, "  {:>5} | {}\n", finding.location.line, line);
    for (const ThreadStack& stack : finding.stacks) {
        fmt::print(out, "  thread {} {}\n", stack.thread, stack.role);
        write_frames(out, stack.frames, style);
    }
    for (const Note& note : finding.notes)
        fmt::print(out, "  note: {}: {}\n", note.message, location_text(note.location));
    write_story(out, finding, style);
    if (lanes && !finding.steps.empty()) {
        fmt::print(out, "  the steps, one column per thread:\n");
        write_swimlane_text(out, finding);
    }
    if (!finding.found_in.empty()) fmt::print(out, "  {}\n", style.dim("found in " + finding.found_in));
}

}  // namespace

const std::vector<FindingKind>& finding_kinds() {
    static const std::vector<FindingKind> kinds = {
        {"data-race", "two threads access the same memory, at least one writes, and nothing orders them"},
        {"deadlock", "every live thread is blocked, waiting for something no thread will ever give"},
        {"livelock", "threads only spin, re-reading what no other thread will ever change"},
        {"assertion-failure", "an assertion failed in some interleaving"},
        {"crash", "the program crashed (a fatal signal) in some interleaving"},
        {"exit-failure", "the program exited with a non-zero status in some interleaving"},
        {"nontermination", "the program did not end within its step or time limit"},
        {"lock-misuse", "a lock or condition variable used against its rules (unlock by a non-owner, ...)"},
        {"lock-order-inversion", "two locks taken in opposite orders by different threads"},
        {"output-divergence", "the program's standard output differs between interleavings"},
    };
    return kinds;
}

bool is_bug_kind(const std::string& kind) { return kind != "output-divergence"; }

bool fails_run(const Finding& finding, const CheckSummary& summary) {
    return finding.accepted_by.empty() && (summary.fail_on.empty() || summary.fail_on.count(finding.kind));
}

void write_findings_text(std::ostream& out, const std::vector<Finding>& findings, bool color, bool swimlanes) {
    Style style{color};
    for (size_t i = 0; i < findings.size(); ++i) write_finding(out, findings[i], i + 1, style, swimlanes);
}

void write_check_text(std::ostream& out, const std::vector<Finding>& findings,
                      const CheckSummary& summary, bool color, bool swimlanes) {
    Style style{color};
    fmt::print(out, "baton check {}\n", summary.program);
    for (size_t i = 0; i < findings.size(); ++i) write_finding(out, findings[i], i + 1, style, swimlanes);
    std::map<std::string, int> counts;
    for (const Finding& finding : findings) ++counts[finding.kind];
    std::vector<std::string> parts;
    for (const auto& [kind, count] : counts) parts.push_back(fmt::format("{} {}", count, kind));
    std::string what = findings.empty() ? "no findings" : fmt::format("{}", fmt::join(parts, ", "));
    std::string verdict = summary.verdict == "bug" ? style.red(summary.verdict) : style.green(summary.verdict);
    fmt::print(out, "\n{}: {} in {} execution{} ({}, {:.1f} s)\n", verdict, what, summary.executions,
               summary.executions == 1 ? "" : "s", summary.strategy, summary.seconds);
    if (summary.verdict == "verified")
        fmt::print(out, "every interleaving of this input was explored\n");
    else if (!summary.bounds.empty())
        fmt::print(out, "{}\n", style.dim(fmt::format("not every interleaving was explored: {}",
                                                       fmt::join(summary.bounds, ", "))));
    size_t accepted = 0, failing = 0;
    for (const Finding& finding : findings) {
        accepted += !finding.accepted_by.empty();
        failing += fails_run(finding, summary);
    }
    if (accepted > 0)
        fmt::print(out, "{} of the findings accepted by the baseline {}\n", accepted, summary.baseline);
    if (failing < findings.size())
        fmt::print(out, "{} finding{} fail{} the run\n", failing, failing == 1 ? "" : "s", failing == 1 ? "s" : "");
}

nlohmann::json check_json(const std::vector<Finding>& findings, const CheckSummary& summary) {
    nlohmann::json out = {{"tool", "baton"},
                          {"version", "0.1.0"},
                          {"command", "check"},
                          {"program", summary.program},
                          {"verdict", summary.verdict},
                          {"findings", nlohmann::json::array()}};
    for (const Finding& finding : findings) {
        nlohmann::json item = to_json(finding);
        if (!finding.found_in.empty()) item["found_in"] = finding.found_in;
        if (!finding.fingerprint.empty()) item["fingerprint"] = finding.fingerprint;
        if (!finding.accepted_by.empty()) item["accepted_by"] = finding.accepted_by;
        out["findings"].push_back(item);
    }
    out["stats"] = {{"executions", summary.executions},
                    {"strategy", summary.strategy},
                    {"complete", summary.complete},
                    {"sleep_blocked", summary.sleep_blocked},
                    {"repeated_waits", summary.repeated_waits},
                    {"processes", summary.processes},
                    {"bounds", summary.bounds},
                    {"seconds", std::round(summary.seconds * 1000) / 1000}};
    return out;
}

SarifLog check_sarif_log(const std::set<std::string>& fail_on) {
    SarifLog log;
    log.tool_version = "0.1.0";
    for (const FindingKind& kind : finding_kinds()) {
        std::string help = fmt::format("{}.\n\nReplay the finding with `baton replay` on the schedule `baton check` "
                                       "saved, and see `docs/findings/` in the baton sources.", kind.summary);
        // What fails the run is an error to code scanning; what does not is a note.
        bool fails = fail_on.empty() ? is_bug_kind(kind.id) : fail_on.count(kind.id) > 0;
        log.rules.push_back({kind.id, kind.summary, help, fails ? "error" : "note"});
    }
    log.fingerprint_key = kFingerprintKey;
    return log;
}

nlohmann::json check_sarif(const std::vector<Finding>& findings, const CheckSummary& summary,
                           const std::string& base_directory) {
    SarifLog log = check_sarif_log(summary.fail_on);
    log.findings = findings;
    log.base_directory = base_directory;
    log.compared_to_baseline = !summary.baseline.empty();
    return to_sarif(log);
}

std::string check_junit(const std::vector<Finding>& findings, const CheckSummary& summary) {
    JunitCase test;
    test.name = summary.program;
    test.classname = "baton.check";
    test.seconds = summary.seconds;
    for (const Finding& finding : findings) {
        if (!fails_run(finding, summary)) continue;
        std::ostringstream text;
        write_findings_text(text, {finding}, false);
        test.failures.push_back({finding.kind, finding.message, text.str()});
    }
    // The whole text report, accepted and not-failing findings included, as on a terminal.
    std::ostringstream out;
    write_check_text(out, findings, summary, false);
    test.system_out = out.str();
    return to_junit("baton check", {test});
}

}  // namespace baton::report
