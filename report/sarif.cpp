#include "report/sarif.h"

#include <map>

#include <fmt/format.h>

namespace baton::report {

namespace {

std::string percent_encode(const std::string& path) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : path) {
        bool plain = std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~';
        if (plain) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

nlohmann::json artifact(const std::string& file) {
    if (!file.empty() && file[0] == '/') return {{"uri", file_uri(file)}};
    return {{"uri", percent_encode(file)}, {"uriBaseId", "%SRCROOT%"}};
}

nlohmann::json region(const SourceLocation& at) {
    nlohmann::json out = {{"startLine", at.line}};
    if (at.column > 0) out["startColumn"] = at.column;
    return out;
}

nlohmann::json physical(const SourceLocation& at) {
    return {{"physicalLocation", {{"artifactLocation", artifact(at.file)}, {"region", region(at)}}}};
}

nlohmann::json location(const SourceLocation& at) {
    nlohmann::json out = physical(at);
    if (!at.function.empty())
        out["logicalLocations"] = nlohmann::json::array({{{"name", at.function}, {"kind", "function"}}});
    return out;
}

// A location in a thread flow: where it is known, or just what happened there.
nlohmann::json flow_location(const SourceLocation& at, const std::string& message) {
    nlohmann::json out = at.known() ? location(at) : nlohmann::json::object();
    if (!at.known() && !at.function.empty())
        out["logicalLocations"] = nlohmann::json::array({{{"name", at.function}, {"kind", "function"}}});
    out["message"] = {{"text", message}};
    return out;
}

nlohmann::json stack(const ThreadStack& thread) {
    nlohmann::json frames = nlohmann::json::array();
    for (const Frame& frame : thread.frames) {
        // The module is left out: it names the temporary binary `baton check` built.
        nlohmann::json entry = nlohmann::json::object();
        if (frame.location.known()) entry["location"] = location(frame.location);
        else if (!frame.location.function.empty()) entry["location"] = flow_location(frame.location, frame.location.function);
        frames.push_back(entry);
    }
    return {{"message", {{"text", fmt::format("thread {} {}", thread.thread, thread.role)}}}, {"frames", frames}};
}

std::string step_text(const Step& step) {
    std::string text = fmt::format("thread {}: {}", step.thread, step.op);
    if (!step.target.empty()) text += " " + step.target;
    if (step.value) text += fmt::format(" = {}", *step.value);
    return text;
}

// Thread flows from the story's steps: one per thread, in the order threads first act, each
// with its own steps; executionOrder numbers the steps across all threads, so a viewer can
// interleave them again. A thread's stack is attached to its step where the stack stops.
nlohmann::json flows_from_steps(const Finding& finding) {
    std::vector<int> threads;
    std::map<int, nlohmann::json> locations;
    for (size_t i = 0; i < finding.steps.size(); ++i) {
        const Step& step = finding.steps[i];
        if (!locations.count(step.thread)) threads.push_back(step.thread);
        nlohmann::json entry = {{"location", flow_location(step.location, step_text(step))},
                                {"executionOrder", static_cast<int>(i) + 1}};
        for (const ThreadStack& thread : finding.stacks) {
            const SourceLocation* top = thread.frames.empty() ? nullptr : &thread.frames.front().location;
            if (thread.thread == step.thread && top && top->known() && top->file == step.location.file &&
                top->line == step.location.line)
                entry["stack"] = stack(thread);
        }
        locations[step.thread].push_back(entry);
    }
    nlohmann::json flows = nlohmann::json::array();
    for (int thread : threads)
        flows.push_back({{"id", std::to_string(thread)},
                         {"message", {{"text", fmt::format("thread {}", thread)}}},
                         {"locations", locations[thread]}});
    return flows;
}

// Without steps, each thread involved contributes what the finding says it did (its role)
// where it did it, with its stack.
nlohmann::json flows_from_stacks(const Finding& finding) {
    nlohmann::json flows = nlohmann::json::array();
    for (const ThreadStack& thread : finding.stacks) {
        SourceLocation at;
        for (const Frame& frame : thread.frames)
            if (frame.location.known()) {
                at = frame.location;
                break;
            }
        nlohmann::json entry = {{"location", flow_location(at, fmt::format("thread {} {}", thread.thread, thread.role))},
                                {"stack", stack(thread)}};
        flows.push_back({{"id", std::to_string(thread.thread)},
                         {"message", {{"text", fmt::format("thread {}", thread.thread)}}},
                         {"locations", nlohmann::json::array({entry})}});
    }
    return flows;
}

nlohmann::json code_flows(const Finding& finding) {
    nlohmann::json flows = finding.steps.empty() ? flows_from_stacks(finding) : flows_from_steps(finding);
    return nlohmann::json::array({{{"message", {{"text", finding.message}}}, {"threadFlows", flows}}});
}

nlohmann::json fixes(const Finding& finding) {
    std::map<std::string, nlohmann::json> by_file;
    for (const FixIt& fix : finding.fixits) {
        nlohmann::json deleted = {{"startLine", fix.begin.line}, {"startColumn", fix.begin.column},
                                  {"endLine", fix.end.line}, {"endColumn", fix.end.column}};
        by_file[fix.begin.file].push_back(
            {{"deletedRegion", deleted}, {"insertedContent", {{"text", fix.replacement}}}});
    }
    nlohmann::json changes = nlohmann::json::array();
    for (auto& [file, replacements] : by_file)
        changes.push_back({{"artifactLocation", artifact(file)}, {"replacements", replacements}});
    return nlohmann::json::array(
        {{{"description", {{"text", "Apply the suggested fix"}}}, {"artifactChanges", changes}}});
}

nlohmann::json result(const Finding& finding, const SarifLog& log, const std::map<std::string, int>& rule_index) {
    nlohmann::json out = {{"ruleId", finding.kind},
                          {"level", "warning"},
                          {"message", {{"text", finding.message}}}};
    // A finding no source line explains (the program exited with status 3) has no location.
    out["locations"] = finding.location.known() ? nlohmann::json::array({location(finding.location)})
                                                : nlohmann::json::array();
    if (auto index = rule_index.find(finding.kind); index != rule_index.end()) {
        out["ruleIndex"] = index->second;
        out["level"] = log.rules[index->second].level;
    }
    if (!finding.notes.empty()) {
        nlohmann::json related = nlohmann::json::array();
        for (std::size_t i = 0; i < finding.notes.size(); ++i) {
            if (!finding.notes[i].location.known()) continue;
            nlohmann::json entry = physical(finding.notes[i].location);
            entry["id"] = static_cast<int>(i) + 1;
            entry["message"] = {{"text", finding.notes[i].message}};
            related.push_back(entry);
        }
        out["relatedLocations"] = related;
    }
    if (!finding.fingerprint.empty() && !log.fingerprint_key.empty())
        out["partialFingerprints"] = {{log.fingerprint_key, finding.fingerprint}};
    if (!finding.fixits.empty()) out["fixes"] = fixes(finding);
    if (!finding.steps.empty() || !finding.stacks.empty()) out["codeFlows"] = code_flows(finding);
    if (log.compared_to_baseline) out["baselineState"] = finding.accepted_by.empty() ? "new" : "unchanged";
    if (!finding.accepted_by.empty())
        out["suppressions"] = nlohmann::json::array(
            {{{"kind", "external"}, {"justification", "accepted by the baseline " + finding.accepted_by}}});
    return out;
}

nlohmann::json driver(const SarifLog& log) {
    nlohmann::json rules = nlohmann::json::array();
    for (const SarifRule& rule : log.rules) {
        nlohmann::json entry = {{"id", rule.id},
                                {"shortDescription", {{"text", rule.summary}}},
                                {"defaultConfiguration", {{"level", rule.level}}},
                                {"properties", {{"tags", {"concurrency"}}}}};
        if (!rule.help_markdown.empty())
            entry["help"] = {{"text", rule.summary}, {"markdown", rule.help_markdown}};
        rules.push_back(entry);
    }
    nlohmann::json out = {{"name", log.tool_name}, {"version", log.tool_version}, {"rules", rules}};
    if (!log.information_uri.empty()) out["informationUri"] = log.information_uri;
    return out;
}

}  // namespace

std::string file_uri(const std::string& absolute_path) { return "file://" + percent_encode(absolute_path); }

nlohmann::json to_sarif(const SarifLog& log) {
    std::map<std::string, int> rule_index;
    for (std::size_t i = 0; i < log.rules.size(); ++i) rule_index[log.rules[i].id] = static_cast<int>(i);
    nlohmann::json results = nlohmann::json::array();
    for (const Finding& finding : log.findings) results.push_back(result(finding, log, rule_index));
    nlohmann::json notifications = nlohmann::json::array();
    auto not_analyzed = [&](const std::string& file, const std::string& why) {
        notifications.push_back({{"level", "error"},
                                 {"message", {{"text", "'" + file + "' " + why}}},
                                 {"locations", nlohmann::json::array({{{"physicalLocation",
                                                                         {{"artifactLocation", artifact(file)}}}}})}});
    };
    for (const std::string& file : log.failed_files) not_analyzed(file, "did not compile; it was not analyzed");
    for (const Note& input : log.unanalyzed) not_analyzed(input.location.file, "was not analyzed: " + input.message);
    nlohmann::json invocation = {{"executionSuccessful", notifications.empty()}};
    if (!notifications.empty()) invocation["toolExecutionNotifications"] = notifications;
    nlohmann::json run = {{"tool", {{"driver", driver(log)}}},
                          {"invocations", nlohmann::json::array({invocation})},
                          {"columnKind", "unicodeCodePoints"},
                          {"results", results}};
    if (!log.base_directory.empty()) {
        std::string base = log.base_directory.back() == '/' ? log.base_directory : log.base_directory + "/";
        run["originalUriBaseIds"] = {{"%SRCROOT%", {{"uri", file_uri(base)}}}};
    }
    return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
            {"version", "2.1.0"},
            {"runs", nlohmann::json::array({run})}};
}

}  // namespace baton::report
