// The text of source files, read once per run: for carets under findings, NOLINT comments and
// the content-based fingerprints of the baseline.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace baton::analyzer {

class SourceText {
public:
    // Line `line` (1-based) of `file` without its newline; "" when unreadable or out of range.
    const std::string& line(const std::string& file, int line);

private:
    std::map<std::string, std::vector<std::string>> files_;
};

}  // namespace baton::analyzer
