// `baton check FILE.c | FILE.cpp | BINARY [-- ARGS]`: builds the program if given source,
// runs it under baton's runtime with the default schedule and then seeded random schedules,
// and reports every distinct finding.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/finding_stories.h"
#include "cli/program_build.h"
#include "report/baseline.h"
#include "report/check_report.h"
#include "report/file_output.h"
#include "report/html_report.h"
#include "report/runtime_findings.h"
#include "report/symbolizer.h"
#include "scheduler/cores.h"
#include "scheduler/explorer.h"
#include "scheduler/minimize.h"
#include "scheduler/schedule_file.h"

namespace baton::cli {
namespace {

constexpr const char* kCheckUsage = R"(usage: baton check [options] FILE.c|FILE.cpp|BINARY [-- ARGS...]

Builds FILE with baton-cc (or takes a BINARY built with baton-cc), explores its interleavings
under baton's deterministic scheduler, and reports data races, deadlocks, livelocks, lock
misuse, failed assertions, crashes and hangs. Each finding's schedule is saved next to the
program (FILE.baton-schedule); `baton replay` re-runs it.

options:
  --format FORMAT        text (the default), json, sarif (code scanning) or junit (CI test
                         reports); see docs/ci.md
  --fail-on KINDS        exit 1 only for findings of these kinds (a comma list, e.g.
                         data-race,deadlock); the others are still reported
  --baseline FILE        accept the findings of an earlier JSON or SARIF report: they are
                         reported as accepted and do not fail the run
  --write-baseline FILE  also write this run's findings to FILE (a JSON report), to accept
                         them in later runs with --baseline
  --html FILE            also write the report as one self-contained HTML page to FILE
  --trace                text: also draw each finding's steps as swimlanes, one column per thread
  --strategy NAME        default: DPOR, then PCT if DPOR cannot finish in half the budget;
                         dpor, bounded (preemption bounding), pct, random
  --max-executions N     run at most N executions (default: 100000)
  --time-limit S         stop exploring after S seconds (default: 30)
  --seed N               first seed of PCT and random schedules (default: 1)
  --pct-depth D          PCT's bug depth (default: 3)
  --max-preemptions N    bounded: the largest preemption bound tried (default: 2)
  --max-steps N          scheduling points per execution before it counts as not ending
  --stdin FILE           every execution reads FILE as its standard input (as does
                         `< FILE`; else it reads nothing: /dev/null)
  --preempt WHERE        racy (the default): plain memory accesses become scheduling points
                         once found racy; all: every access to shared memory is one
  --jobs N               use N cores (default: all this process may use): runners share
                         one search, each with a program process of its own, which runs
                         the runner's next execution while the runner reads its last
  --shard I/N            explore only shard I of N of the search (e.g. on N machines); the
                         N shards' findings together are those of the whole search, and
                         the program is verified if every shard says verified
  -h, --help             this help

exit status: 0 no findings (none that fail the run), 1 findings, 2 usage or input error
)";

struct CheckOptions {
    std::string format = "text";
    std::set<std::string> fail_on;  // empty: every finding fails the run
    std::string baseline, write_baseline;
    bool trace = false;  // swimlanes in the text report
    bool preempt_all = false;  // --preempt all
    std::string html;    // where to write the HTML report, if anywhere
    std::string program;
    std::vector<std::string> arguments;
    std::string input;  // --stdin (absolute), or "": /dev/null
    scheduler::Budget budget;
    scheduler::SearchOptions search;
    uint32_t jobs = scheduler::usable_cores();
};

bool parse_number(const std::string& text, uint64_t& value) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
}

// `--fail-on data-race,deadlock`: every name must be a finding kind.
bool parse_kinds(const std::string& text, std::set<std::string>& kinds, std::string& error) {
    std::vector<std::string> known;
    for (const report::FindingKind& kind : report::finding_kinds()) known.push_back(kind.id);
    std::stringstream list(text);
    std::string kind;
    while (std::getline(list, kind, ',')) {
        if (std::find(known.begin(), known.end(), kind) == known.end()) {
            error = fmt::format("--fail-on: unknown finding kind '{}' (kinds: {})", kind, fmt::join(known, ", "));
            return false;
        }
        kinds.insert(kind);
    }
    if (kinds.empty()) {
        error = fmt::format("--fail-on needs a comma list of finding kinds ({})", fmt::join(known, ", "));
        return false;
    }
    return true;
}

// `--shard I/N` with 1 <= I <= N.
bool parse_shard(const std::string& text, uint32_t& index, uint32_t& count) {
    size_t slash = text.find('/');
    uint64_t i = 0, n = 0;
    if (slash == std::string::npos || !parse_number(text.substr(0, slash), i) ||
        !parse_number(text.substr(slash + 1), n) || i < 1 || i > n || n > 1'000'000)
        return false;
    index = static_cast<uint32_t>(i), count = static_cast<uint32_t>(n);
    return true;
}

bool parse_seconds(const std::string& text, double& value) {
    char* end = nullptr;
    value = strtod(text.c_str(), &end);
    return !text.empty() && *end == '\0' && value > 0;
}

// Returns 0 to go on, or an exit status (help printed: 0 via `done`, errors: 2).
bool parse_options(int argc, char** argv, CheckOptions& options, std::string& error, bool& help) {
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--") {
            for (++i; i < argc; ++i) options.arguments.emplace_back(argv[i]);
            break;
        }
        if (arg == "-h" || arg == "--help") {
            help = true;
            return true;
        }
        if (arg == "--trace") {
            options.trace = true;
            continue;
        }
        if (arg.rfind("--", 0) == 0) {
            std::string name = arg, value;
            if (size_t eq = arg.find('='); eq != std::string::npos) {
                name = arg.substr(0, eq);
                value = arg.substr(eq + 1);
            } else if (i + 1 < argc) {
                value = argv[++i];
            } else {
                error = "option " + arg + " needs a value";
                return false;
            }
            uint64_t number = 0;
            if (name == "--stdin") {
                // Every execution reads it from its start: a file, not a pipe, so that a
                // replay reads it again (its hash goes into each finding's schedule file).
                struct stat status {};
                int fd = value.empty() ? -1 : open(value.c_str(), O_RDONLY | O_CLOEXEC);
                bool regular = fd >= 0 && fstat(fd, &status) == 0 && S_ISREG(status.st_mode);
                if (fd >= 0) close(fd);
                if (!regular) {
                    error = "--stdin needs a readable file, not '" + value + "'" +
                            (fd < 0 && !value.empty() ? std::string(": ") + strerror(errno) : "");
                    return false;
                }
                options.input = std::filesystem::absolute(value).lexically_normal().string();
            } else if (name == "--html") {
                if (value.empty()) {
                    error = "--html needs a file name";
                    return false;
                }
                options.html = value;
            } else if (name == "--format") {
                if (value != "text" && value != "json" && value != "sarif" && value != "junit") {
                    error = "--format must be text, json, sarif or junit, not '" + value + "'";
                    return false;
                }
                options.format = value;
            } else if (name == "--fail-on") {
                if (!parse_kinds(value, options.fail_on, error)) return false;
            } else if (name == "--baseline" || name == "--write-baseline") {
                if (value.empty()) {
                    error = "option " + name + " needs a file name";
                    return false;
                }
                (name == "--baseline" ? options.baseline : options.write_baseline) = value;
            } else if (name == "--preempt") {
                if (value != "racy" && value != "all") {
                    error = "--preempt must be racy or all, not '" + value + "'";
                    return false;
                }
                options.preempt_all = value == "all";
            } else if (name == "--max-executions") {
                if (!parse_number(value, number) || number == 0) {
                    error = "--max-executions needs a positive whole number, not '" + value + "'";
                    return false;
                }
                options.budget.max_executions = number;
            } else if (name == "--time-limit") {
                if (!parse_seconds(value, options.budget.time_limit_seconds)) {
                    error = "--time-limit needs a positive number of seconds, not '" + value + "'";
                    return false;
                }
            } else if (name == "--seed") {
                if (!parse_number(value, options.search.seed)) {
                    error = "--seed needs a whole number, not '" + value + "'";
                    return false;
                }
            } else if (name == "--pct-depth") {
                if (!parse_number(value, number) || number == 0 || number > 100) {
                    error = "--pct-depth needs a whole number from 1 to 100, not '" + value + "'";
                    return false;
                }
                options.search.pct_depth = static_cast<uint32_t>(number);
            } else if (name == "--max-preemptions") {
                if (!parse_number(value, number) || number > 1000) {
                    error = "--max-preemptions needs a whole number up to 1000, not '" + value + "'";
                    return false;
                }
                options.search.max_preemptions = static_cast<uint32_t>(number);
            } else if (name == "--max-steps") {
                if (!parse_number(value, number) || number == 0) {
                    error = "--max-steps needs a positive whole number, not '" + value + "'";
                    return false;
                }
                options.budget.max_steps = number;
            } else if (name == "--jobs") {
                if (!parse_number(value, number) || number == 0 || number > 256) {
                    error = "--jobs needs a whole number from 1 to 256, not '" + value + "'";
                    return false;
                }
                options.jobs = static_cast<uint32_t>(number);
            } else if (name == "--shard") {
                if (!parse_shard(value, options.search.shard_index, options.search.shard_count)) {
                    error = "--shard needs I/N with 1 <= I <= N (e.g. 2/4), not '" + value + "'";
                    return false;
                }
            } else if (name == "--strategy") {
                if (value != "default" && value != "dpor" && value != "bounded" && value != "pct" &&
                    value != "random") {
                    error = "--strategy must be default, dpor, bounded, pct or random, not '" + value + "'";
                    return false;
                }
                options.search.strategy = value;
            } else {
                error = "unknown option '" + arg + "' (see baton check --help)";
                return false;
            }
            continue;
        }
        if (arg.size() > 1 && arg[0] == '-') {
            error = "unknown option '" + arg + "' (see baton check --help)";
            return false;
        }
        if (!options.program.empty()) {
            error = "more than one program given ('" + options.program + "', '" + arg +
                    "'); arguments for the program go after --";
            return false;
        }
        options.program = arg;
    }
    if (options.program.empty()) {
        error = "no program given (see baton check --help)";
        return false;
    }
    return true;
}

const char* signal_name(int signal) {
    const char* name = sigabbrev_np(signal);
    return name ? name : "?";
}

// Findings that only the way the process ended shows (no runtime record said why).
std::vector<report::KeyedFinding> process_findings(const scheduler::ExecutionOutcome& outcome,
                                                   bool runtime_reported, const CheckOptions& options) {
    std::vector<report::KeyedFinding> findings;
    if (runtime_reported) return findings;
    report::Finding finding;
    if (outcome.killed_by_parent) {
        finding.kind = "nontermination";
        finding.message = fmt::format("the program did not end within the time limit ({} s)",
                                      options.budget.time_limit_seconds);
        findings.push_back({"nontermination", finding});
    } else if (outcome.signal != 0) {
        finding.kind = "crash";
        finding.message = fmt::format("the program was killed by signal {} (SIG{})", outcome.signal,
                                      signal_name(outcome.signal));
        findings.push_back({fmt::format("crash|signal|{}", outcome.signal), finding});
    } else if (outcome.exited && outcome.exit_status != 0 && !outcome.runtime_stopped) {
        finding.kind = "exit-failure";
        finding.message = fmt::format("the program exited with status {}", outcome.exit_status);
        findings.push_back({fmt::format("exit-failure|{}", outcome.exit_status), finding});
    }
    return findings;
}

std::string first_line(const std::string& text) {
    size_t end = text.find('\n');
    return text.substr(0, end);
}

// One line on the terminal while the search runs (executions, rate, findings, time left),
// redrawn at most ten times a second and erased at the end. Never in JSON or a pipe.
class ProgressLine {
public:
    ProgressLine(bool enabled, double time_limit)
        : enabled_(enabled), time_limit_(time_limit), started_(std::chrono::steady_clock::now()) {}

    void update(uint64_t executions, size_t findings) {
        if (!enabled_) return;
        auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(100)) return;
        last_ = now;
        double elapsed = std::chrono::duration<double>(now - started_).count();
        fprintf(stderr, "\r\033[K  %llu executions (%.0f/s), %zu finding%s, %.0f s left",
                static_cast<unsigned long long>(executions), elapsed > 0 ? executions / elapsed : 0.0,
                findings, findings == 1 ? "" : "s", std::max(0.0, time_limit_ - elapsed));
        drawn_ = true;
    }

    void clear() {
        if (drawn_) fputs("\r\033[K", stderr);
        drawn_ = false;
    }

private:
    bool enabled_;
    bool drawn_ = false;
    double time_limit_;
    std::chrono::steady_clock::time_point started_, last_{};
};

// Writes each finding's schedule next to the program: PROGRAM.baton-schedule for the first,
// PROGRAM.2.baton-schedule, ... for the others. A directory we may not write to costs the
// user the files, not the report: the finding then names no schedule and a warning says why.
void save_schedules(const CheckOptions& options, std::vector<report::Finding>& findings,
                    const std::vector<scheduler::ExecutionReport>& shown_by) {
    if (findings.empty()) return;
    std::string error;
    std::string program = std::filesystem::absolute(options.program).lexically_normal().string();
    std::string hash = scheduler::hash_file(program, error);
    std::string input_hash = options.input.empty() ? "" : scheduler::hash_file(options.input, error);
    for (size_t i = 0; i < findings.size(); ++i) {
        if (shown_by[i].schedule.empty() || hash.empty() || (!options.input.empty() && input_hash.empty())) continue;
        std::string path = options.program + (i == 0 ? "" : "." + std::to_string(i + 1)) +
                           scheduler::kScheduleSuffix;
        scheduler::ScheduleFile file;
        file.program = program;
        file.program_hash = hash;
        file.arguments = options.arguments;
        file.input = options.input;
        file.input_hash = input_hash;
        file.finding = findings[i].kind + ": " + findings[i].message;
        file.found_in = findings[i].found_in;
        file.schedule = shown_by[i].schedule;
        file.preempt_on = shown_by[i].preempt_on;
        file.preempt_all = options.preempt_all;
        if (!scheduler::write_schedule_file(path, file, error)) {
            fprintf(stderr, "baton check: warning: %s; the finding's schedule is not saved\n", error.c_str());
            continue;
        }
        findings[i].schedule = path;
    }
}

}  // namespace

// `baton check prog.c < input.txt`: standard input redirected from a file is the program's,
// as --stdin gives it. Not a pipe (a CI runner's may never close, and a replay could not read
// it again), and not a file already partly read: in `while read f; do baton check "$f"; done
// < list`, the list is the loop's input, not the program's. "" when there is none.
std::string redirected_input() {
    struct stat status {};
    if (fstat(STDIN_FILENO, &status) != 0 || !S_ISREG(status.st_mode)) return "";
    if (lseek(STDIN_FILENO, 0, SEEK_CUR) != 0) return "";
    std::error_code error;
    std::filesystem::path path = std::filesystem::read_symlink("/proc/self/fd/0", error);
    if (error || !path.is_absolute() || access(path.c_str(), R_OK) != 0) return "";
    return path.lexically_normal().string();
}

int check_main(int argc, char** argv) {
    CheckOptions options;
    std::string error;
    bool help = false;
    if (!parse_options(argc, argv, options, error, help)) {
        fprintf(stderr, "baton check: %s\n", error.c_str());
        return 2;
    }
    if (help) {
        fputs(kCheckUsage, stdout);
        return 0;
    }
    if (options.input.empty()) options.input = redirected_input();
    // Read the baseline before anything runs: a bad one is an input error, found in a moment.
    std::set<std::string> accepted;
    if (!options.baseline.empty()) {
        auto loaded = report::load_baseline(options.baseline);
        if (auto* why = std::get_if<std::string>(&loaded)) {
            fprintf(stderr, "baton check: %s\n", why->c_str());
            return 2;
        }
        accepted = std::get<std::set<std::string>>(loaded);
    }
    // A report that cannot be written is a usage error, found before the search, not after.
    if (!options.html.empty() && !report::can_write(options.html, error)) {
        fprintf(stderr, "baton check: %s\n", error.c_str());
        return 2;
    }
    PreparedProgram program;
    if (!prepare_program(options.program, program, error)) {
        fprintf(stderr, "baton check: %s\n", error.c_str());
        return 2;
    }

    scheduler::RunRequest base;
    base.program = program.executable;
    base.arguments = options.arguments;
    base.input = options.input;
    base.preempt_all = options.preempt_all;
    scheduler::Explorer explorer(base, options.budget, options.search);
    report::Symbolizer symbolizer;
    report::RuntimeFindings converter(symbolizer);
    std::vector<report::Finding> findings;
    std::vector<scheduler::ExecutionReport> shown_by;  // the execution that showed each finding
    std::vector<std::string> keys;  // each finding's identity across executions
    std::vector<nlohmann::json> records;  // each finding's runtime record (null: the process's end)
    std::map<std::string, size_t> seen;
    std::string runtime_failure;
    scheduler::ExplorationStats stats;
    // `sources`: the record of each finding; null for what only the process's end showed.
    auto findings_of = [&](const scheduler::ExecutionOutcome& outcome, std::vector<nlohmann::json>* sources = nullptr) {
        std::vector<report::KeyedFinding> found = converter.convert(outcome.records, sources);
        for (auto& extra : process_findings(outcome, outcome.find_record("finding") != nullptr, options)) {
            found.push_back(std::move(extra));
            if (sources) sources->emplace_back();
        }
        return found;
    };
    ProgressLine progress(isatty(STDERR_FILENO) && options.format == "text", options.budget.time_limit_seconds);
    auto handle = [&](const scheduler::ExecutionReport& execution) {
        const scheduler::ExecutionOutcome& outcome = *execution.outcome;
        progress.update(execution.index, findings.size());
        if (outcome.runtime_error || (outcome.exited && outcome.exit_status == 127 && outcome.records.empty())) {
            runtime_failure = first_line(outcome.errors);
            return false;
        }
        std::vector<nlohmann::json> sources;
        std::vector<report::KeyedFinding> found = findings_of(outcome, &sources);
        for (size_t f = 0; f < found.size(); ++f) {
            auto& [key, finding] = found[f];
            if (seen.count(key)) continue;
            seen[key] = findings.size();
            keys.push_back(key);
            finding.found_in = fmt::format("execution {} ({})", execution.index, execution.description);
            findings.push_back(std::move(finding));
            records.push_back(std::move(sources[f]));
            shown_by.push_back(execution);
        }
        return true;
    };
    bool ran = false;
    auto search_began = std::chrono::steady_clock::now();
    if (options.jobs > 1) ran = explorer.run_jobs(options.jobs, handle, stats, error);
    else ran = explorer.run(handle, stats, error);
    progress.clear();
    if (ran && runtime_failure.empty()) {
        ExplanationTime explaining(search_began, options.budget.time_limit_seconds);
        scheduler::RunRequest limits = base;
        limits.max_steps = options.budget.max_steps;
        limits.time_limit_ms = static_cast<uint64_t>(options.budget.time_limit_seconds * 1000);
        // The first findings are the ones read. The first is explained whatever the time (its
        // schedule shortened only in time); the others only while there is time.
        constexpr size_t kExplainedFindings = 8;
        for (size_t i = 0; i < findings.size() && i < kExplainedFindings; ++i) {
            if (i > 0 && !explaining.left()) break;
            // Fewer switches make a replay easier to follow: shorten the finding's schedule.
            // Each attempt at a hang would run for the whole time limit again.
            if (!shown_by[i].schedule.empty() && findings[i].kind != "nontermination") {
                auto reproduces = [&](const std::vector<scheduler::Choice>& prefix, std::string& schedule) {
                    scheduler::RunRequest request = limits;
                    request.strategy = "guided";
                    request.plan = scheduler::format_plan({prefix, {}});
                    request.preempt_on = shown_by[i].preempt_on;
                    request.reuse_process = true;
                    scheduler::ExecutionOutcome outcome;
                    std::string ignored;
                    if (!explaining.left() || !scheduler::run_execution(explaining.cut(request), outcome, ignored) ||
                        outcome.killed_by_parent)
                        return false;
                    for (const auto& found : findings_of(outcome)) {
                        if (found.key != keys[i]) continue;
                        schedule = scheduler::reported_schedule(outcome);
                        return !schedule.empty();
                    }
                    return false;
                };
                shown_by[i].schedule = scheduler::minimize_switches(shown_by[i].schedule, reproduces, 10);
            }
            tell_story(i == 0 ? limits : explaining.cut(limits), findings[i], shown_by[i], records[i], symbolizer,
                       converter);
        }
    }
    remove_prepared(program);
    if (!ran) {
        fprintf(stderr, "baton check: %s\n", error.c_str());
        return 2;
    }
    if (!runtime_failure.empty()) {
        fprintf(stderr, "baton check: the program could not run under baton: %s\n", runtime_failure.c_str());
        return 2;
    }
    save_schedules(options, findings, shown_by);
    for (report::Finding& finding : findings) {
        finding.fingerprint = report::check_fingerprint(finding);
        if (accepted.count(finding.fingerprint)) finding.accepted_by = options.baseline;
    }

    bool bug = false;
    for (const report::Finding& finding : findings) bug |= report::is_bug_kind(finding.kind);
    report::CheckSummary summary;
    summary.program = options.program;
    summary.verdict = bug ? "bug" : stats.complete ? "verified" : "no-bug-found";
    summary.executions = stats.executions;
    summary.strategy = stats.strategy;
    summary.complete = stats.complete;
    summary.sleep_blocked = stats.sleep_blocked;
    summary.repeated_waits = stats.repeated_waits;
    summary.processes = stats.processes;
    summary.bounds = stats.bounds;
    summary.seconds = stats.seconds;
    summary.fail_on = options.fail_on;
    summary.baseline = options.baseline;
    if (!options.write_baseline.empty()) {
        if (!report::write_file_atomically(options.write_baseline,
                                           report::check_json(findings, summary).dump(2) + "\n", error)) {
            fprintf(stderr, "baton check: %s\n", error.c_str());
            return 2;
        }
    }
    if (!options.html.empty() &&
        !report::write_file_atomically(options.html, report::check_html(findings, summary), error)) {
        fprintf(stderr, "baton check: %s\n", error.c_str());
        return 2;
    }
    if (options.format == "json") {
        std::cout << report::check_json(findings, summary).dump(2) << "\n";
    } else if (options.format == "sarif") {
        std::cout << report::check_sarif(findings, summary, std::filesystem::current_path().string()).dump(2) << "\n";
    } else if (options.format == "junit") {
        std::cout << report::check_junit(findings, summary);
    } else {
        bool color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
        report::write_check_text(std::cout, findings, summary, color, options.trace);
    }
    bool fails = std::any_of(findings.begin(), findings.end(),
                             [&](const report::Finding& finding) { return report::fails_run(finding, summary); });
    return fails ? 1 : 0;
}

}  // namespace baton::cli
