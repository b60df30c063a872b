#include "analyzer/check_globs.h"

namespace baton::analyzer {

static std::string trim(const std::string& text) {
    std::size_t begin = text.find_first_not_of(" \t");
    if (begin == std::string::npos) return {};
    return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

CheckGlobs::CheckGlobs(const std::string& text) {
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t comma = text.find(',', start);
        std::string item = trim(text.substr(start, comma == std::string::npos ? std::string::npos
                                                                               : comma - start));
        if (!item.empty()) {
            bool positive = item[0] != '-';
            globs_.push_back({trim(positive ? item : item.substr(1)), positive});
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
}

bool CheckGlobs::enables(const std::string& check) const {
    bool enabled = false;
    for (const Glob& glob : globs_)
        if (glob_match(glob.pattern, check)) enabled = glob.positive;
    return enabled;
}

bool glob_match(const std::string& pattern, const std::string& text) {
    // Iterative wildcard match: remember the last `*` and retry from there on mismatch.
    std::size_t p = 0, t = 0, star = std::string::npos, resume = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != std::string::npos) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

}  // namespace baton::analyzer
