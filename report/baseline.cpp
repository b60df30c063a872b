#include "report/baseline.h"

#include <cctype>
#include <cstdint>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace baton::report {

const char* const kFingerprintKey = "batonFingerprint/v1";

std::string fingerprint_hash(const std::string& content) {
    std::uint64_t hash = 0xcbf29ce484222325ull;
    for (unsigned char c : content) {
        hash ^= c;
        hash *= 0x100000001b3ull;
    }
    return fmt::format("{:016x}", hash);
}

std::string normalized_message(const std::string& message) {
    auto is_name = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    std::string out;
    for (size_t i = 0; i < message.size();) {
        bool number_starts = std::isdigit(static_cast<unsigned char>(message[i])) &&
                             (i == 0 || !is_name(message[i - 1]));
        if (!number_starts) {
            out += message[i++];
            continue;
        }
        if (message.compare(i, 2, "0x") == 0) i += 2;
        while (i < message.size() && std::isxdigit(static_cast<unsigned char>(message[i]))) ++i;
        out += '#';
    }
    return out;
}

std::string check_fingerprint(const Finding& finding) {
    return fingerprint_hash(finding.kind + '\n' + finding.location.file + '\n' + finding.location.function +
                            '\n' + normalized_message(finding.message));
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
        if (document.is_object() && document.contains("runs")) collect_sarif(document, fingerprints);
        else if (document.is_object()) collect_json(document, fingerprints);
        else throw std::runtime_error("not a JSON object");
        return fingerprints;
    } catch (const std::exception& error) {
        return "baseline '" + path + "' is not a baton JSON or SARIF report (" +
               std::string(error.what()).substr(0, 80) + ")";
    }
}

}  // namespace baton::report
