#include "analyzer/baseline.h"

#include <map>

namespace baton::analyzer {

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

}  // namespace

void assign_fingerprints(std::vector<report::Finding>& findings, SourceText& sources) {
    std::map<std::string, int> occurrences;
    for (report::Finding& finding : findings) {
        const report::SourceLocation& at = finding.location;
        std::string content = finding.kind + '\n' + at.file + '\n' + at.function + '\n' +
                              squeeze(sources.line(at.file, at.line));
        int occurrence = occurrences[content]++;
        finding.fingerprint = report::fingerprint_hash(content + '\n' + std::to_string(occurrence));
    }
}

}  // namespace baton::analyzer
