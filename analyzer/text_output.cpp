#include "analyzer/text_output.h"

#include <algorithm>

namespace baton::analyzer {

namespace {

constexpr const char* kBold = "\033[1m";
constexpr const char* kMagenta = "\033[1;35m";
constexpr const char* kGreen = "\033[1;32m";
constexpr const char* kBlack = "\033[1;30m";
constexpr const char* kReset = "\033[0m";

// Spaces up to `column`, keeping tabs so the caret lines up under tab-indented code.
std::string indent_to(const std::string& line, int column) {
    std::string out;
    for (int i = 0; i + 1 < column; ++i)
        out += (i < static_cast<int>(line.size()) && line[i] == '\t') ? '\t' : ' ';
    return out;
}

void write_one(const char* severity, const char* severity_color, const std::string& message,
               const report::SourceLocation& at, const std::vector<report::FixIt>& fixits,
               SourceText& sources, bool color, std::ostream& out) {
    auto paint = [color](const char* code) { return color ? code : ""; };
    if (at.known()) out << paint(kBold) << at.file << ':' << at.line << ':' << at.column << ": ";
    out << paint(severity_color) << severity << ": " << paint(kReset) << paint(kBold) << message
        << paint(kReset) << '\n';
    const std::string& line = sources.line(at.file, at.line);
    if (!at.known() || line.empty()) return;
    out << line << '\n' << indent_to(line, at.column) << paint(kGreen) << '^' << paint(kReset) << '\n';
    // Fix-its on this line go on one line under the caret, each at its column, as clang shows
    // them; one that would overlap the previous starts a line of its own.
    std::vector<const report::FixIt*> here;
    for (const report::FixIt& fix : fixits)
        if (fix.begin.file == at.file && fix.begin.line == at.line && fix.end.line == at.line)
            here.push_back(&fix);
    std::sort(here.begin(), here.end(), [](auto* a, auto* b) { return a->begin.column < b->begin.column; });
    std::string hint;
    for (const report::FixIt* fix : here) {
        if (static_cast<int>(hint.size()) >= fix->begin.column) {
            out << paint(kGreen) << hint << paint(kReset) << '\n';
            hint.clear();
        }
        hint += indent_to(line, fix->begin.column).substr(hint.size()) + fix->replacement;
    }
    if (!hint.empty()) out << paint(kGreen) << hint << paint(kReset) << '\n';
}

}  // namespace

void write_text(const std::vector<report::Finding>& findings, SourceText& sources, bool color,
                std::ostream& out) {
    for (const report::Finding& finding : findings) {
        write_one("warning", kMagenta, finding.message + " [" + finding.kind + "]", finding.location,
                  finding.fixits, sources, color, out);
        for (const report::Note& note : finding.notes)
            write_one("note", kBlack, note.message, note.location, {}, sources, color, out);
    }
}

}  // namespace baton::analyzer
