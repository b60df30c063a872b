// `baton replay SCHEDULE`: re-runs the execution a schedule file recorded, exactly, and prints
// its trace -- one line per step: step, thread, operation, target, value, source location --
// then the findings the execution shows. The output depends only on the program and the
// schedule, so it is byte-identical every time.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/finding_stories.h"
#include "cli/program_build.h"
#include "cli/trace_text.h"
#include "report/check_report.h"
#include "report/runtime_findings.h"
#include "report/symbolizer.h"
#include "scheduler/execution_runner.h"
#include "scheduler/schedule_file.h"
#include "scheduler/trace.h"

namespace baton::cli {
namespace {

constexpr const char* kReplayUsage = R"(usage: baton replay [options] SCHEDULE

Re-runs the execution recorded in SCHEDULE (a .baton-schedule file written by baton check)
and prints its trace, one step per line, then the findings it shows.

options:
  --trace          also draw each finding's steps as swimlanes, one column per thread
  --all-steps      print every step (else a trace of more than 2000 steps shows its first
                   and last 1000)
  --time-limit S   give up on the execution after S seconds (default: 30)
  -h, --help       this help

exit status: 0 the execution shows no finding, 1 it does, 2 usage or input error
)";

// Unless --all-steps: the steps printed at most, the first and the last half of them (how
// the execution began, and where it ended), and the steps recorded at most (the program
// still runs its whole schedule). A loop that ran for the whole time limit makes tens of
// millions of steps: gigabytes of trace, and minutes to print what nobody reads.
constexpr size_t kShownSteps = 2000;
constexpr uint64_t kRecordedSteps = 1'000'000;

}  // namespace

int replay_main(int argc, char** argv) {
    std::string path;
    double time_limit = 30;
    bool swimlanes = false;
    bool all_steps = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            fputs(kReplayUsage, stdout);
            return 0;
        }
        if (arg == "--trace") {
            swimlanes = true;
            continue;
        }
        if (arg == "--all-steps") {
            all_steps = true;
            continue;
        }
        if (arg == "--time-limit" || arg.rfind("--time-limit=", 0) == 0) {
            std::string value = arg.size() > 12 ? arg.substr(13) : (i + 1 < argc ? argv[++i] : "");
            char* end = nullptr;
            time_limit = strtod(value.c_str(), &end);
            if (value.empty() || *end != '\0' || time_limit <= 0) {
                fprintf(stderr, "baton replay: --time-limit needs a positive number of seconds, not '%s'\n",
                        value.c_str());
                return 2;
            }
            continue;
        }
        if (arg.size() > 1 && arg[0] == '-') {
            fprintf(stderr, "baton replay: unknown option '%s' (see baton replay --help)\n", arg.c_str());
            return 2;
        }
        if (!path.empty()) {
            fprintf(stderr, "baton replay: more than one schedule given ('%s', '%s')\n", path.c_str(), arg.c_str());
            return 2;
        }
        path = arg;
    }
    if (path.empty()) {
        fprintf(stderr, "baton replay: no schedule given (see baton replay --help)\n");
        return 2;
    }

    scheduler::ScheduleFile file;
    std::string error;
    if (!scheduler::read_schedule_file(path, file, error)) {
        fprintf(stderr, "baton replay: %s\n", error.c_str());
        return 2;
    }
    if (!scheduler::schedule_fits_program(file, error)) {
        fprintf(stderr, "baton replay: %s\n", error.c_str());
        return 2;
    }
    std::vector<scheduler::Choice> choices;
    scheduler::parse_choices(file.schedule, choices, error);
    PreparedProgram program;
    if (!prepare_program(file.program, program, error)) {
        fprintf(stderr, "baton replay: %s\n", error.c_str());
        return 2;
    }
    scheduler::RunRequest request;
    request.program = program.executable;
    request.arguments = file.arguments;
    request.input = file.input;
    request.preempt_on = file.preempt_on;
    request.preempt_all = file.preempt_all;
    request.strategy = "guided";
    request.plan = scheduler::format_plan({choices, {}});
    request.record_trace = true;
    request.trace_limit = choices.size() + 100'000;
    if (!all_steps) request.trace_limit = std::min(request.trace_limit, kRecordedSteps);
    request.time_limit_ms = static_cast<uint64_t>(time_limit * 1000);
    scheduler::become_subreaper();
    scheduler::ExecutionOutcome outcome;
    bool ran = scheduler::run_execution(request, outcome, error);
    // The program's debug information names what the trace shows: keep it until printed.
    struct Cleanup {
        const PreparedProgram& program;
        ~Cleanup() { remove_prepared(program); }
    } cleanup{program};
    if (!ran) {
        fprintf(stderr, "baton replay: %s\n", error.c_str());
        return 2;
    }
    if (const nlohmann::json* diverged = outcome.find_record("diverged")) {
        fprintf(stderr, "baton replay: the schedule does not fit the program at step %llu "
                "(a different build, input or environment?)\n",
                static_cast<unsigned long long>(diverged->value("step", uint64_t{0}) + 1));
        return 2;
    }
    scheduler::Trace trace;
    if (!scheduler::parse_trace(outcome.trace, trace, error)) {
        fprintf(stderr, "baton replay: the execution left no trace: %s\n", error.c_str());
        return 2;
    }

    report::Symbolizer symbolizer;
    report::RuntimeFindings converter(symbolizer);
    std::vector<report::Finding> findings;
    std::vector<nlohmann::json> sources;
    for (auto& [key, finding] : converter.convert(outcome.records, &sources)) findings.push_back(std::move(finding));
    // The same story `baton check` told, from this execution's trace.
    report::TraceNames names = trace_names(symbolizer, converter);
    for (size_t i = 0; i < findings.size(); ++i) {
        report::Story story = report::tell_story(sources[i], trace, names);
        if (!story.steps.empty()) findings[i].steps = std::move(story.steps);
        findings[i].story = std::move(story.summary);
    }
    fmt::print("baton replay {}\n", path);
    fmt::print("program {}\n", file.program);
    if (!file.finding.empty()) fmt::print("recorded {}\n", file.finding);
    fmt::print("\n");
    TargetNames targets(converter);
    targets.learn(outcome.records);
    print_trace(trace, symbolizer, targets, 0, all_steps ? 0 : kShownSteps);
    std::fflush(stdout);
    bool color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    report::write_findings_text(std::cout, findings, color, swimlanes);
    if (findings.empty() && outcome.exited && outcome.exit_status != 0 && !outcome.runtime_stopped)
        fmt::print("\nthe program exited with status {}\n", outcome.exit_status);
    else if (findings.empty() && outcome.signal != 0)
        fmt::print("\nthe program was killed by signal {}\n", outcome.signal);
    std::cout << std::flush;
    bool failed = !findings.empty() || outcome.signal != 0 ||
                  (outcome.exited && outcome.exit_status != 0 && !outcome.runtime_stopped);
    return failed ? 1 : 0;
}

}  // namespace baton::cli
