// `baton check PROGRAM...`: the grading mode. This file owns the command line (what is the
// grader's, what goes on to each program's `baton check`) and the output; cli/grader.h
// runs the programs, cli/submissions.h decides what the programs are.
#include "cli/grade_command.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/grade_report.h"
#include "cli/grader.h"
#include "cli/limited_process.h"
#include "cli/submissions.h"
#include "scheduler/cores.h"

namespace baton::cli {
namespace {

constexpr const char* kGradeUsage = R"(usage: baton check [options] PROGRAM... [-- ARGS...]

Checks many programs side by side and prints one row per program: its verdict (bug,
no-bug-found, verified, compile-error, error, timeout), its findings by kind, its
executions and seconds. A PROGRAM is a C or C++ source file, a directory (one program:
all its .c files, or all its .cpp/.cc/.cxx files, compiled together) or a binary built
with baton-cc. baton check grades when it is given more than one PROGRAM, a directory,
or one of the options below.

options:
  --format FORMAT         text (a table, the default), json, jsonl, csv, or for CI sarif
                          (one SARIF log) or junit (one test case per program)
  --jobs N                programs checked at once (default: the cores this process may use)
  --memory-limit MB       address space of each program's build and check (default: 2048)
  --compile-allowance S   seconds a program may take beyond --time-limit, to be built and
                          reported (default: 60); past that it is killed: a timeout
  --shard I/N             check only the programs at positions I, I+N, I+2N, ... of the
                          sorted list (1 <= I <= N), to spread a class over N machines
  -h, --help              this help

Every other option (--max-executions, --time-limit, --seed, --strategy, --max-steps, ...;
see baton check --help) applies to each program's check, and so do ARGS and the input
(--stdin FILE, or < FILE).

exit status: 0 no program had findings, 1 some program had findings or could not be
checked (compile-error, error, timeout), 2 usage error (then nothing was run)
See docs/grading.md.
)";

// The defaults of `baton check` that grading needs to know (docs/check.md).
constexpr double kCheckTimeLimit = 30;
constexpr double kLongestWallLimit = 1e9;  // seconds: some 30 years, as good as none

struct GradeOptions {
    std::string format = "text";
    unsigned jobs = 0;  // 0: one per core
    uint64_t memory_limit_mb = 2048;
    double compile_allowance = 60;
    unsigned shard_index = 1;
    unsigned shard_count = 1;
    double time_limit = kCheckTimeLimit;
    std::set<std::string> fail_on;  // check's --fail-on, for the SARIF levels and JUnit failures
    std::string baseline;           // check's --baseline: SARIF then says what is new
    std::vector<std::string> check_options;  // passed on to each check as they were given
    std::vector<std::string> paths;
    std::vector<std::string> program_arguments;
    bool help = false;
};

template <typename Number>
bool parse_whole(const std::string& text, Number& value) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
}

bool parse_seconds(const std::string& text, double& value) {
    char* end = nullptr;
    value = strtod(text.c_str(), &end);
    return !text.empty() && *end == '\0' && value > 0 && std::isfinite(value);
}

bool parse_shard(const std::string& text, unsigned& index, unsigned& count) {
    size_t slash = text.find('/');
    return slash != std::string::npos && parse_whole(text.substr(0, slash), index) &&
           parse_whole(text.substr(slash + 1), count) && index >= 1 && index <= count;
}

bool is_grading_option(const std::string& name) {
    return name == "--jobs" || name == "--memory-limit" || name == "--compile-allowance" ||
           name == "--shard";
}

// The long options of `baton check` that take no value; every other one takes one.
bool is_flag(const std::string& name) { return name == "--trace"; }

// Splits "--name=value" or "--name value" (a flag has no value). Returns false if the value
// is missing.
bool split_option(int argc, char** argv, int& i, std::string& name, std::string& value) {
    std::string arg = argv[i];
    if (size_t eq = arg.find('='); eq != std::string::npos) {
        name = arg.substr(0, eq);
        value = arg.substr(eq + 1);
        return true;
    }
    name = arg;
    if (is_flag(name)) return true;
    if (i + 1 >= argc) return false;
    value = argv[++i];
    return true;
}

// One of the grader's own options; false with `error` on a bad value.
bool set_grading_option(const std::string& name, const std::string& value, GradeOptions& options,
                        std::string& error) {
    bool valid = true;
    if (name == "--jobs") {
        valid = parse_whole(value, options.jobs) && options.jobs > 0;
        if (!valid) error = "--jobs needs a positive whole number, not '" + value + "'";
    } else if (name == "--memory-limit") {
        valid = parse_whole(value, options.memory_limit_mb) && options.memory_limit_mb > 0 &&
                options.memory_limit_mb < (uint64_t{1} << 40);
        if (!valid)
            error = "--memory-limit needs a positive whole number of MB, not '" + value + "'";
    } else if (name == "--compile-allowance") {
        valid = parse_seconds(value, options.compile_allowance);
        if (!valid)
            error = "--compile-allowance needs a positive number of seconds, not '" + value + "'";
    } else if (name == "--shard") {
        valid = parse_shard(value, options.shard_index, options.shard_count);
        if (!valid) error = "--shard needs I/N with 1 <= I <= N (e.g. 2/4), not '" + value + "'";
    } else if (name == "--format") {
        valid = value == "text" || value == "json" || value == "jsonl" || value == "csv" || value == "sarif" ||
                value == "junit";
        if (!valid) error = "--format must be text, json, jsonl, csv, sarif or junit, not '" + value + "'";
        options.format = value;
    }
    return valid;
}

bool parse_options(int argc, char** argv, GradeOptions& options, std::string& error) {
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--") {
            options.program_arguments.assign(argv + i + 1, argv + argc);
            break;
        }
        if (arg == "-h" || arg == "--help") {
            options.help = true;
            return true;
        }
        if (arg.rfind("--", 0) == 0) {
            std::string name, value;
            if (!split_option(argc, argv, i, name, value)) {
                error = "option " + arg + " needs a value";
                return false;
            }
            if (is_grading_option(name) || name == "--format") {
                if (!set_grading_option(name, value, options, error)) return false;
                continue;
            }
            // Check's --time-limit also bounds each program's wall time; a bad value is
            // reported by check itself (see validate_check_options).
            if (name == "--time-limit" && !parse_seconds(value, options.time_limit))
                options.time_limit = kCheckTimeLimit;
            // Check's own --fail-on; a bad kind is reported by check itself, as above.
            if (name == "--baseline") options.baseline = value;
            if (name == "--fail-on") {
                std::istringstream kinds(value);
                for (std::string kind; std::getline(kinds, kind, ',');) options.fail_on.insert(kind);
            }
            // Passed on as written, so that check's own messages quote what the user typed.
            options.check_options.push_back(arg);
            if (arg == name && !is_flag(name)) options.check_options.push_back(value);
            continue;
        }
        if (arg.size() > 1 && arg[0] == '-') {
            error = "unknown option '" + arg + "' (see baton check --help)";
            return false;
        }
        options.paths.push_back(arg);
    }
    if (options.paths.empty()) {
        error = "no program given (see baton check --help)";
        return false;
    }
    return true;
}

// The options meant for each program's check are checked by `baton check` itself, once,
// before any program runs: `baton check OPTIONS --help` stops at the first bad option with
// its own one-line error, and otherwise prints its help. So a typo is a usage error here,
// and an option added to `baton check` later works here without a change.
bool validate_check_options(const std::vector<std::string>& check_options, std::string& error) {
    if (check_options.empty()) return true;
    std::vector<std::string> command{"/proc/self/exe", "check"};
    command.insert(command.end(), check_options.begin(), check_options.end());
    command.push_back("--help");
    LimitedProcess dry_run;
    if (!dry_run.start(command, ProcessLimits{}, error)) return false;
    dry_run.wait_until_finished();
    if (dry_run.exited() && dry_run.exit_code() == 0) return true;
    std::string said = dry_run.errors().substr(0, dry_run.errors().find('\n'));
    const std::string prefix = "baton check: ";
    if (said.rfind(prefix, 0) == 0) said.erase(0, prefix.size());
    error = said.empty() ? "the options for baton check were refused" : said;
    return false;
}

void show_progress(const SubmissionResult& result, size_t done, size_t total) {
    int width = static_cast<int>(std::to_string(total).size());
    fprintf(stderr, "[%*zu/%zu] %-13s %s (%.1f s)\n", width, done, total, result.verdict.c_str(),
            result.program.c_str(), result.seconds);
}

}  // namespace

bool wants_grading(int argc, char** argv) {
    int programs = 0;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--") break;
        if (arg == "-h" || arg == "--help") continue;
        if (arg.rfind("--", 0) == 0) {
            std::string name, value;
            if (!split_option(argc, argv, i, name, value)) break;
            // --jobs and --shard also split one program's search (baton check): they grade
            // only with many programs.
            bool split = name == "--jobs" || name == "--shard";
            if ((is_grading_option(name) && !split) ||
                (name == "--format" && (value == "jsonl" || value == "csv")))
                return true;
            continue;
        }
        if (arg.size() > 1 && arg[0] == '-') continue;
        struct stat info;
        if (stat(arg.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) return true;
        ++programs;
    }
    return programs > 1;
}

int grade_main(int argc, char** argv) {
    GradeOptions options;
    std::string error;
    std::vector<Submission> submissions;
    if (!parse_options(argc, argv, options, error) ||
        (!options.help && (!validate_check_options(options.check_options, error) ||
                           !collect_submissions(options.paths, submissions, error)))) {
        fprintf(stderr, "baton check: %s\n", error.c_str());
        return 2;
    }
    if (options.help) {
        fputs(kGradeUsage, stdout);
        return 0;
    }
    submissions = select_shard(submissions, options.shard_index, options.shard_count);

    GradeSettings settings;
    settings.check_options = options.check_options;
    // Each check's standard input is /dev/null (cli/limited_process.cpp): input redirected to
    // the grader goes on to every check as --stdin, unless one is given.
    bool stdin_given =
        std::any_of(options.check_options.begin(), options.check_options.end(), [](const std::string& arg) {
            return arg == "--stdin" || arg.starts_with("--stdin=");
        });
    if (std::string input = redirected_input(); !stdin_given && !input.empty()) {
        settings.check_options.push_back("--stdin");
        settings.check_options.push_back(input);
    }
    settings.program_arguments = options.program_arguments;
    settings.jobs = options.jobs ? options.jobs : scheduler::usable_cores();
    settings.memory_limit_mb = options.memory_limit_mb;
    // Check takes any --time-limit (even "inf"); a deadline must stay a number of ms.
    settings.wall_limit_seconds =
        std::min(options.time_limit + options.compile_allowance, kLongestWallLimit);
    ProgressHandler progress;
    if (isatty(STDERR_FILENO)) progress = show_progress;

    int64_t started_ms = monotonic_ms();
    std::vector<SubmissionResult> results;
    int interrupted_by = 0;
    if (!grade(submissions, settings, progress, results, interrupted_by, error)) {
        if (interrupted_by) {
            fprintf(stderr, "baton check: interrupted by SIG%s; no report written\n",
                    sigabbrev_np(interrupted_by));
            return 128 + interrupted_by;
        }
        fprintf(stderr, "baton check: %s\n", error.c_str());
        return 2;
    }

    GradeRun run;
    run.jobs = std::max<unsigned>(1, std::min<unsigned>(settings.jobs, submissions.size()));
    run.seconds = static_cast<double>(monotonic_ms() - started_ms) / 1000;
    run.fail_on = options.fail_on;
    run.baseline = options.baseline;
    // The whole report is composed first: stdout never holds half of one.
    std::ostringstream report;
    if (options.format == "json") write_grade_json(report, results, run);
    else if (options.format == "jsonl") write_grade_jsonl(report, results);
    else if (options.format == "csv") write_grade_csv(report, results);
    else if (options.format == "sarif") write_grade_sarif(report, results, run, std::filesystem::current_path().string());
    else if (options.format == "junit") write_grade_junit(report, results, run);
    else write_grade_text(report, results, run);
    std::cout << report.str() << std::flush;

    bool attention = false;
    for (const SubmissionResult& result : results) attention |= needs_attention(result);
    return attention ? 1 : 0;
}

}  // namespace baton::cli
