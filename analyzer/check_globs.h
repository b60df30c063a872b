// `--checks=` in clang-tidy's form: comma-separated globs, `*` matching any run of characters,
// a leading `-` disabling what it matches; later globs override earlier ones.
#pragma once

#include <string>
#include <vector>

namespace baton::analyzer {

class CheckGlobs {
public:
    explicit CheckGlobs(const std::string& text);
    bool enables(const std::string& check) const;

private:
    struct Glob {
        std::string pattern;
        bool positive = true;
    };
    std::vector<Glob> globs_;
};

// Shell-style match of `text` against `pattern` where only `*` is special.
bool glob_match(const std::string& pattern, const std::string& text);

}  // namespace baton::analyzer
