// The command line of `baton lint`, in clang-tidy's conventions: source files, then `--` and
// compiler flags (a fixed compilation database), or `-p BUILD-DIR` (compile_commands.json);
// with neither, a compilation database found above the first file, else default flags.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace baton::analyzer {

enum class OutputFormat { Text, Json, Sarif };
enum class ColorMode { Auto, Always, Never };

struct LintOptions {
    std::vector<std::string> files;
    std::optional<std::string> build_dir;                    // -p
    std::optional<std::vector<std::string>> compiler_flags;  // after `--`
    std::vector<std::string> extra_args;                     // --extra-arg
    std::vector<std::string> extra_args_before;              // --extra-arg-before
    std::string checks = "baton-*";
    OutputFormat format = OutputFormat::Text;
    ColorMode color = ColorMode::Auto;
    std::optional<std::string> baseline;
    std::optional<std::string> output;  // -o: write the report here instead of stdout
    bool list_checks = false;
    bool help = false;
    bool quiet = false;
};

// Parses the arguments after `lint` (argv[0] is "lint"). On a usage error, returns the one
// line to print.
std::variant<LintOptions, std::string> parse_lint_options(int argc, const char** argv);

extern const char* const kLintUsage;

}  // namespace baton::analyzer
