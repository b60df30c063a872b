#include "report/sarif.h"

#include <map>

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

nlohmann::json result(const Finding& finding, const std::map<std::string, int>& rule_index,
                      const std::string& fingerprint_key) {
    nlohmann::json out = {{"ruleId", finding.kind},
                          {"level", "warning"},
                          {"message", {{"text", finding.message}}},
                          {"locations", nlohmann::json::array({location(finding.location)})}};
    if (auto index = rule_index.find(finding.kind); index != rule_index.end())
        out["ruleIndex"] = index->second;
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
    if (!finding.fingerprint.empty() && !fingerprint_key.empty())
        out["partialFingerprints"] = {{fingerprint_key, finding.fingerprint}};
    if (!finding.fixits.empty()) out["fixes"] = fixes(finding);
    return out;
}

nlohmann::json driver(const SarifLog& log) {
    nlohmann::json rules = nlohmann::json::array();
    for (const SarifRule& rule : log.rules) {
        nlohmann::json entry = {{"id", rule.id},
                                {"shortDescription", {{"text", rule.summary}}},
                                {"defaultConfiguration", {{"level", "warning"}}},
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
    for (const Finding& finding : log.findings) results.push_back(result(finding, rule_index, log.fingerprint_key));
    nlohmann::json notifications = nlohmann::json::array();
    for (const std::string& file : log.failed_files)
        notifications.push_back({{"level", "error"},
                                 {"message", {{"text", "'" + file + "' did not compile; it was not analyzed"}}},
                                 {"locations", nlohmann::json::array({{{"physicalLocation",
                                                                         {{"artifactLocation", artifact(file)}}}}})}});
    nlohmann::json invocation = {{"executionSuccessful", log.failed_files.empty()}};
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
