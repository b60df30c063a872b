#include "analyzer/options.h"

#include <cstring>
#include <functional>
#include <map>

namespace baton::analyzer {

const char* const kLintUsage = R"(usage: baton lint [options] FILE... [-- COMPILER-FLAGS]
       baton lint [options] -p BUILD-DIR [FILE...]

Static checks for concurrent C and C++: shared state without locks, non-reentrant calls,
static locals, busy waits, condition-variable and lock misuse.

options:
  -p BUILD-DIR            read compile_commands.json from BUILD-DIR; with no FILE, lint
                          every file it lists
  --checks=GLOBS          comma-separated globs selecting checks, '-' to remove
                          (default 'baton-*'; e.g. '-*,baton-busy-wait')
  --format=text|json|sarif
                          clang-style diagnostics (default), JSON, or SARIF 2.1.0
  -o, --output=FILE       write the report to FILE instead of standard output
  --baseline=FILE         accept the findings recorded in FILE (a JSON or SARIF report
                          of an earlier run); only new findings are reported
  --extra-arg=ARG         append ARG to every compiler command line
  --extra-arg-before=ARG  prepend ARG to every compiler command line
  --color=auto|always|never
  --list-checks           print the enabled checks and exit
  -q, --quiet             no summary line on standard error
  -h, --help              print this help and exit

Suppress one finding with '// NOLINT(baton-check-id)' on its line, or
'// NOLINTNEXTLINE(baton-check-id)' on the line before.
Exit status: 0 nothing found, 1 findings, 2 usage or input error.
)";

namespace {

using Setter = std::function<std::optional<std::string>(LintOptions&, const std::string&)>;

std::optional<std::string> set_format(LintOptions& options, const std::string& value) {
    if (value == "text") options.format = OutputFormat::Text;
    else if (value == "json") options.format = OutputFormat::Json;
    else if (value == "sarif") options.format = OutputFormat::Sarif;
    else return "unknown format '" + value + "' (expected text, json or sarif)";
    return std::nullopt;
}

std::optional<std::string> set_color(LintOptions& options, const std::string& value) {
    if (value == "auto") options.color = ColorMode::Auto;
    else if (value == "always") options.color = ColorMode::Always;
    else if (value == "never") options.color = ColorMode::Never;
    else return "unknown color mode '" + value + "' (expected auto, always or never)";
    return std::nullopt;
}

// Options that take a value, by every spelling.
const std::map<std::string, Setter>& valued_options() {
    static const std::map<std::string, Setter> options = {
        {"-p", [](LintOptions& o, const std::string& v) { o.build_dir = v; return std::optional<std::string>{}; }},
        {"--checks", [](LintOptions& o, const std::string& v) { o.checks = v; return std::optional<std::string>{}; }},
        {"--format", set_format},
        {"--color", set_color},
        {"--baseline", [](LintOptions& o, const std::string& v) { o.baseline = v; return std::optional<std::string>{}; }},
        {"-o", [](LintOptions& o, const std::string& v) { o.output = v; return std::optional<std::string>{}; }},
        {"--output", [](LintOptions& o, const std::string& v) { o.output = v; return std::optional<std::string>{}; }},
        {"--extra-arg", [](LintOptions& o, const std::string& v) { o.extra_args.push_back(v); return std::optional<std::string>{}; }},
        {"--extra-arg-before", [](LintOptions& o, const std::string& v) { o.extra_args_before.push_back(v); return std::optional<std::string>{}; }},
    };
    return options;
}

}  // namespace

std::variant<LintOptions, std::string> parse_lint_options(int argc, const char** argv) {
    LintOptions options;
    for (int i = 1; i < argc; ++i) {
        std::string argument = argv[i];
        if (argument == "--") {
            options.compiler_flags = std::vector<std::string>(argv + i + 1, argv + argc);
            break;
        }
        if (argument == "-h" || argument == "--help") { options.help = true; continue; }
        if (argument == "--list-checks") { options.list_checks = true; continue; }
        if (argument == "-q" || argument == "--quiet") { options.quiet = true; continue; }
        std::string name = argument, value;
        bool has_value = false;
        if (auto equals = argument.find('='); argument.rfind("-", 0) == 0 && equals != std::string::npos) {
            name = argument.substr(0, equals);
            value = argument.substr(equals + 1);
            has_value = true;
        }
        auto option = valued_options().find(name);
        if (option != valued_options().end()) {
            if (!has_value) {
                if (i + 1 >= argc) return "option '" + name + "' needs a value";
                value = argv[++i];
            }
            if (auto error = option->second(options, value)) return *error;
            continue;
        }
        if (argument.size() > 1 && argument[0] == '-')
            return "unknown option '" + argument + "' (try 'baton lint --help')";
        options.files.push_back(argument);
    }
    if (!options.help && !options.list_checks && options.files.empty() && !options.build_dir)
        return "no input files (try 'baton lint --help')";
    return options;
}

}  // namespace baton::analyzer
