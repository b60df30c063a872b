// Running Clang over the input files: choosing the compilation database, adjusting command
// lines (syntax only, Clang's own resource directory, no compiler warnings), and extracting
// each translation unit that parses into one program model. Compiler errors go to stderr as
// Clang prints them; files with errors are left out of the model and named in the result.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "analyzer/options.h"
#include "analyzer/program.h"

namespace baton::analyzer {

struct AnalysisResult {
    Program program;
    std::vector<std::string> analyzed;  // files that parsed, as the report names them
    std::vector<std::string> failed;    // files that did not parse
};

// Analyzes the files `options` name; a setup error (no such file, no compilation database)
// comes back as the one line to print, before anything was parsed.
std::variant<AnalysisResult, std::string> analyze_files(const LintOptions& options);

}  // namespace baton::analyzer
