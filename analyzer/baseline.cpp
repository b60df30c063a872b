#include "analyzer/baseline.h"

#include <cstdint>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace baton::analyzer {

const char* const kFingerprintKey = "batonFingerprint/v1";

namespace {

std::string squeeze(const std::string& text) {
    std::string out;
    for (char c : text) {
        bool space = c == ' ' || c == '\t';
        if (space && (out.empty() || out.back() == ' ')) continue;
        out += space ? ' ' : c;
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// FNV-1a, 64 bits: stable across platforms and versions, which std::hash is not.
std::uint64_t fnv1a(const std::string& text) {
    std::uint64_t hash = 0xcbf29ce484222325ull;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 0x100000001b3ull;
    }
    return hash;
}

}  // namespace

void assign_fingerprints(std::vector<report::Finding>& findings, SourceText& sources) {
    std::map<std::string, int> occurrences;
    for (report::Finding& finding : findings) {
        const report::SourceLocation& at = finding.location;
        std::string content = finding.kind + '\n' + at.file + '\n' + at.function + '\n' +
                              squeeze(sources.line(at.file, at.line));
        int occurrence = occurrences[content]++;
        finding.fingerprint = fmt::format("{:016x}", fnv1a(content + '\n' + std::to_string(occurrence)));
    }
}

static void collect_json(const nlohmann::json& report, std::set<std::string>& out) {
    if (!report.contains("findings") || !report["findings"].is_array())
        throw std::runtime_error("no 'findings' array");
    for (const auto& finding : report["findings"])
        if (finding.contains("fingerprint")) out.insert(finding["fingerprint"].get<std::string>());
}

static void collect_sarif(const nlohmann::json& log, std::set<std::string>& out) {
    for (const auto& run : log.at("runs"))
        for (const auto& result : run.value("results", nlohmann::json::array()))
            if (result.contains("partialFingerprints") &&
                result["partialFingerprints"].contains(kFingerprintKey))
                out.insert(result["partialFingerprints"][kFingerprintKey].get<std::string>());
}

std::variant<std::set<std::string>, std::string> load_baseline(const std::string& path) {
    std::ifstream in(path);
    if (!in) return "cannot read baseline '" + path + "'";
    try {
        nlohmann::json document = nlohmann::json::parse(in);
        std::set<std::string> fingerprints;
        if (document.contains("runs")) collect_sarif(document, fingerprints);
        else collect_json(document, fingerprints);
        return fingerprints;
    } catch (const std::exception& error) {
        return "baseline '" + path + "' is not a baton JSON or SARIF report (" +
               std::string(error.what()).substr(0, 80) + ")";
    }
}

}  // namespace baton::analyzer
