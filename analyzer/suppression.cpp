#include "analyzer/suppression.h"

#include "analyzer/check_globs.h"

namespace baton::analyzer {

bool line_suppresses(const std::string& line, const std::string& marker, const std::string& check) {
    for (std::size_t at = line.find(marker); at != std::string::npos; at = line.find(marker, at + 1)) {
        std::size_t after = at + marker.size();
        // NOLINT must not match inside NOLINTNEXTLINE / NOLINTBEGIN.
        if (after < line.size() && std::isalpha(static_cast<unsigned char>(line[after]))) continue;
        if (after >= line.size() || line[after] != '(') return true;
        std::size_t close = line.find(')', after);
        if (close == std::string::npos) return true;  // malformed list: clang-tidy suppresses all
        CheckGlobs globs(line.substr(after + 1, close - after - 1));
        if (globs.enables(check)) return true;
    }
    return false;
}

bool is_suppressed(const report::Finding& finding, SourceText& sources) {
    const report::SourceLocation& at = finding.location;
    if (!at.known()) return false;
    if (line_suppresses(sources.line(at.file, at.line), "NOLINT", finding.kind)) return true;
    if (line_suppresses(sources.line(at.file, at.line - 1), "NOLINTNEXTLINE", finding.kind))
        return true;
    // Inside a NOLINTBEGIN ... NOLINTEND region: scan upwards for an unclosed BEGIN.
    for (int line = at.line; line >= 1; --line) {
        const std::string& text = sources.line(at.file, line);
        if (line < at.line && line_suppresses(text, "NOLINTEND", finding.kind)) return false;
        if (line_suppresses(text, "NOLINTBEGIN", finding.kind)) return true;
    }
    return false;
}

}  // namespace baton::analyzer
