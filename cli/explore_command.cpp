// `baton explore PROGRAM [--schedule FILE] [-- ARGS]`: steps through one execution of a
// program, command by command -- which thread runs next, back, jump, run a thread until it
// blocks or reaches a line -- over the replay-based engine of cli/explore_session.h. Commands
// come from stdin: typed on a terminal (with line editing, cli/line_reader.h) or piped from a
// script, so a session can be tested and repeated.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/explore_session.h"
#include "cli/line_reader.h"
#include "cli/program_build.h"
#include "cli/trace_text.h"
#include "scheduler/schedule_file.h"

namespace baton::cli {
namespace {

namespace bs = scheduler;

constexpr const char* kExploreUsage = R"(usage: baton explore [options] FILE.c|FILE.cpp|BINARY [-- ARGS...]
       baton explore [options] --schedule SCHEDULE [-- ARGS...]

Steps through one execution of the program under baton's scheduler: see every thread, its
state and its next operation, choose which thread runs next, go back, jump, run a thread
until it blocks or reaches a line, and see the races found so far. Commands come from stdin
(`help` lists them); piped, they make a script.

options:
  --schedule FILE   start where a schedule (a finding's .baton-schedule, or one saved with
                    `save`) ends; the program is the one it names
  --time-limit S    give up on an execution after S seconds (default: 30)
  --preempt WHERE   racy (the default): plain accesses are steps once found racy; all:
                    every access to shared memory is a step (a schedule says which it used)
  -h, --help        this help

exit status: 0 the session ended (quit or end of input), 2 usage or input error
)";

constexpr const char* kCommands = R"(commands:
  threads                  every thread: its state, next operation and source line
  step [T [N]]             one step of whoever goes on without a preemption, or N steps
                           (default 1) of thread T; T may be 2t (time out its wait) or 2s
                           (wake it spuriously)
  run T [until FILE:LINE]  run thread T until it blocks or ends (or its next operation is at
                           FILE:LINE)
  back [N]                 undo the last N steps (default 1)
  jump N                   go to step N: back, or on without preemptions
  trace [N]                the steps so far (the last N)
  races                    the data races found so far
  save FILE                save the steps so far as a schedule (baton replay and --schedule read it)
  load FILE                go to where a saved schedule ends
  help                     this list
  quit                     end the session (so does the end of the input)
)";

constexpr uint64_t kMaxStepCount = 1'000'000;  // steps one `step` may ask for
constexpr uint64_t kRunSteps = 100'000;        // steps one `run` takes at most
constexpr size_t kStepsShown = 20;             // steps printed after a command at most

bool parse_count(const std::string& text, uint64_t& value) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
}

// FILE:LINE as a user writes it: the file may be a suffix of the path baton shows.
struct SourceLine {
    std::string file;
    int line = 0;
    bool matches(const report::SourceLocation& location) const {
        if (location.line != line || location.file.empty()) return false;
        const std::string& path = location.file;
        if (path == file) return true;
        return path.size() > file.size() && path.compare(path.size() - file.size(), file.size(), file) == 0 &&
               path[path.size() - file.size() - 1] == '/';
    }
};

bool parse_source_line(const std::string& text, SourceLine& where) {
    size_t colon = text.rfind(':');
    uint64_t line = 0;
    if (colon == std::string::npos || colon == 0 || !parse_count(text.substr(colon + 1), line) || line == 0 ||
        line > INT32_MAX)
        return false;
    where.file = text.substr(0, colon);
    where.line = static_cast<int>(line);
    return true;
}

class ExploreShell {
public:
    explicit ExploreShell(ExploreSession& session) : session_(session) {}

    // Runs one command line; false once the session should end.
    bool execute(const std::string& line);
    void show_state();
    void show_new_findings();

private:
    using Words = std::vector<std::string>;
    void threads();
    void step(const Words& words);
    void run(const Words& words);
    void back(const Words& words);
    void jump(const Words& words);
    void trace(const Words& words);
    void races();
    void save(const Words& words);
    void load(const Words& words);

    bool ended_says_so();
    bool go(const std::vector<bs::Choice>& choices, bs::PlanEnd end);
    void show_steps(size_t first);
    void show_notes();
    std::string thread_problem(bs::ThreadId thread, bs::Option::Kind kind);
    std::string next_operation_text(const bs::PendingOperation& pending);
    std::string program_path() const;

    ExploreSession& session_;
    size_t findings_shown_ = 0;
};

bool ExploreShell::execute(const std::string& line) {
    Words words;
    std::istringstream in(line);
    for (std::string word; in >> word;) words.push_back(word);
    if (words.empty() || words[0][0] == '#') return true;  // scripts may have comments
    const std::string& command = words[0];
    static const std::map<std::string, void (ExploreShell::*)(const Words&)> kHandlers = {
        {"step", &ExploreShell::step}, {"run", &ExploreShell::run},   {"back", &ExploreShell::back},
        {"jump", &ExploreShell::jump}, {"trace", &ExploreShell::trace}, {"save", &ExploreShell::save},
        {"load", &ExploreShell::load},
    };
    if (command == "quit" || command == "exit" || command == "q") return false;
    if (command == "help" || command == "?") {
        fmt::print("{}", kCommands);
    } else if (command == "threads") {
        show_state();
    } else if (command == "races") {
        races();
    } else if (auto handler = kHandlers.find(command); handler != kHandlers.end()) {
        (this->*handler->second)(words);
    } else {
        fmt::print("unknown command '{}' (try 'help')\n", command);
    }
    std::fflush(stdout);
    return true;
}

std::string ExploreShell::program_path() const {
    return std::filesystem::absolute(session_.program().path).lexically_normal().string();
}

std::string ExploreShell::next_operation_text(const bs::PendingOperation& pending) {
    std::string text = bs::op_name(pending.op.kind);
    std::string target = session_.targets()(pending.op);
    if (target != "-") text += " " + target;
    // The value the location holds now: what the last step on it read or wrote.
    const auto& steps = session_.state().trace.steps;
    if (pending.op.object > bs::kMaxThreadObject) {
        for (auto step = steps.rbegin(); step != steps.rend(); ++step) {
            if (step->op.object != pending.op.object || !step->value) continue;
            text += fmt::format(" (now {})", static_cast<int64_t>(*step->value));
            break;
        }
    }
    return text;
}

void ExploreShell::threads() {
    const ExploreState& state = session_.state();
    // Every thread the execution has seen: those that took steps, were created, or wait.
    std::set<bs::ThreadId> all{0};
    for (const bs::TraceStep& step : state.trace.steps) {
        all.insert(step.choice.thread);
        if (step.op.kind == bs::OpKind::ThreadCreate) all.insert(static_cast<bs::ThreadId>(step.op.object - 1));
    }
    for (const bs::PendingOperation& pending : state.trace.pending) all.insert(pending.thread);
    fmt::print("{:>6}  {:<10} {:<30} {}\n", "thread", "state", "next operation", "location");
    for (bs::ThreadId thread : all) {
        const bs::PendingOperation* pending = state.pending(thread);
        if (!pending) {
            fmt::print("{:>6}  {:<10}\n", thread, state.ended && thread == 0 && state.outcome.exited ? "exited" : "finished");
            continue;
        }
        const char* what = pending->can(bs::Option::Kind::Run)       ? "runnable"
                           : pending->can(bs::Option::Kind::Timeout) ? "timed-wait"
                                                                      : "blocked";
        if (state.ended) what = "stopped";
        std::string location = pending->pc ? location_text(session_.location(pending->pc)) : "-";
        fmt::print("{:>6}  {:<10} {:<30} {}\n", thread, what, next_operation_text(*pending), location);
    }
}

void ExploreShell::show_state() {
    const ExploreState& state = session_.state();
    if (!state.ended) {
        fmt::print("at step {}\n", state.steps());
        threads();
        return;
    }
    const bs::ExecutionOutcome& outcome = state.outcome;
    std::string how = outcome.signal ? fmt::format("killed by signal {}", outcome.signal)
                      : outcome.runtime_stopped ? std::string("stopped by baton after a finding")
                                                : fmt::format("exit status {}", outcome.exit_status);
    fmt::print("the program has ended after {} steps ({})\n", state.steps(), how);
    for (const report::Finding& finding : state.findings)
        fmt::print("  {}: {} at {}\n", finding.kind, finding.message, location_text(finding.location));
    if (!state.trace.pending.empty()) threads();
}

void ExploreShell::show_new_findings() {
    const auto& findings = session_.findings_so_far();
    for (; findings_shown_ < findings.size(); ++findings_shown_) {
        const report::Finding& finding = findings[findings_shown_];
        fmt::print("found {}: {} at {}\n", finding.kind, finding.message, location_text(finding.location));
    }
}

void ExploreShell::show_notes() {
    for (const std::string& note : session_.take_notes()) fmt::print("note: {}\n", note);
}

void ExploreShell::show_steps(size_t first) {
    const bs::Trace& trace = session_.state().trace;
    if (first >= trace.steps.size()) return;
    size_t from = first;
    if (trace.steps.size() - first > kStepsShown) {
        from = trace.steps.size() - kStepsShown;
        fmt::print("({} steps; the last {}:)\n", trace.steps.size() - first, kStepsShown);
    }
    print_trace_header();
    for (size_t i = from; i < trace.steps.size(); ++i)
        print_trace_step(trace, i, session_.symbolizer(), session_.targets());
}

bool ExploreShell::go(const std::vector<bs::Choice>& choices, bs::PlanEnd end) {
    std::string error;
    if (!session_.go(choices, end, error)) {
        fmt::print("error: {}\n", error);
        return false;
    }
    return true;
}

bool ExploreShell::ended_says_so() {
    if (!session_.state().ended) return false;
    fmt::print("the program has ended: no step can follow ('back' or 'jump' go elsewhere)\n");
    return true;
}

// Why `thread` cannot take a step of `kind` now ("" if it can).
std::string ExploreShell::thread_problem(bs::ThreadId thread, bs::Option::Kind kind) {
    const ExploreState& state = session_.state();
    const bs::PendingOperation* pending = state.pending(thread);
    if (!pending) {
        bool seen = std::any_of(state.trace.steps.begin(), state.trace.steps.end(),
                                [&](const bs::TraceStep& step) { return step.choice.thread == thread; });
        return seen ? fmt::format("thread {} has finished", thread) : fmt::format("there is no thread {} yet", thread);
    }
    if (pending->can(kind)) return "";
    std::string next = next_operation_text(*pending);
    if (kind == bs::Option::Kind::Timeout) return fmt::format("thread {} cannot time out here ({})", thread, next);
    if (kind == bs::Option::Kind::SpuriousWakeup)
        return fmt::format("thread {} cannot wake up spuriously here ({})", thread, next);
    return fmt::format("thread {} is blocked: {}", thread, next);
}

void ExploreShell::step(const Words& words) {
    if (words.size() > 3) return (void)fmt::print("step takes a thread and a count: step [T [N]]\n");
    if (ended_says_so()) return;
    // `step` lets the next thread go on; `step T` and `step T N` name the thread.
    std::optional<bs::Choice> who;
    uint64_t count = 1;
    if (words.size() >= 2) {
        std::vector<bs::Choice> parsed;
        std::string error;
        if (!bs::parse_choices(words[1], parsed, error) || parsed.size() != 1)
            return (void)fmt::print("'{}' is not a thread (2, or 2t to time it out, 2s to wake it)\n", words[1]);
        who = parsed[0];
    }
    if (words.size() == 3 && (!parse_count(words[2], count) || count == 0 || count > kMaxStepCount))
        return (void)fmt::print("the count must be a number from 1 to {}, not '{}'\n", kMaxStepCount, words[2]);
    std::vector<bs::Choice> choices = session_.state().choices();
    size_t before = choices.size();
    bs::PlanEnd end;
    end.steps = count;
    if (who) {
        if (std::string problem = thread_problem(who->thread, who->kind); !problem.empty())
            return (void)fmt::print("{}\n", problem);
        end.only_thread = who->thread;
        if (who->kind != bs::Option::Kind::Run) {
            choices.push_back(*who);  // then Run steps of the same thread, if more were asked for
            end.steps = count - 1;
        }
    }
    if (!go(choices, end)) return;
    show_notes();  // first: a race found on the way may have renumbered the steps
    show_steps(before);
    show_new_findings();
    size_t taken = session_.state().steps() - before;
    if (who && taken < count && !session_.state().ended)
        fmt::print("thread {} took {} of {} steps: {}\n", who->thread, taken, count,
                   thread_problem(who->thread, bs::Option::Kind::Run));
    show_state();
}

void ExploreShell::run(const Words& words) {
    SourceLine until;
    bool has_until = words.size() == 4 && words[2] == "until";
    if (words.size() != 2 && !has_until)
        return (void)fmt::print("run takes a thread and where to stop: run T [until FILE:LINE]\n");
    uint64_t thread = 0;
    if (!parse_count(words[1], thread) || thread > UINT32_MAX)
        return (void)fmt::print("'{}' is not a thread number\n", words[1]);
    if (has_until && !parse_source_line(words[3], until))
        return (void)fmt::print("'{}' is not FILE:LINE\n", words[3]);
    if (ended_says_so()) return;
    auto id = static_cast<bs::ThreadId>(thread);
    if (std::string problem = thread_problem(id, bs::Option::Kind::Run); !problem.empty())
        return (void)fmt::print("{}\n", problem);
    std::vector<bs::Choice> choices = session_.state().choices();
    size_t before = choices.size();
    if (!go(choices, {kRunSteps, id})) return;
    bool reached = false;
    if (has_until) {
        // The first step after the thread's current one that is at the line: stop before it.
        const auto& steps = session_.state().trace.steps;
        for (size_t i = before + 1; i < steps.size() && !reached; ++i) {
            if (steps[i].choice.thread != id || !until.matches(session_.location(steps[i].pc))) continue;
            std::vector<bs::Choice> prefix = session_.state().choices();
            prefix.resize(i);
            if (!go(prefix, {})) return;
            reached = true;
        }
        if (const bs::PendingOperation* pending = session_.state().pending(id); !reached && pending)
            reached = until.matches(session_.location(pending->pc));
    }
    show_notes();  // first: a race found on the way may have renumbered the steps
    show_steps(before);
    show_new_findings();
    const ExploreState& state = session_.state();
    size_t taken = state.steps() - before;
    if (has_until && !reached)
        fmt::print("thread {} did not reach {}:{}\n", id, until.file, until.line);
    const bs::PendingOperation* pending = state.pending(id);
    if (!reached && taken == kRunSteps && pending && pending->can(bs::Option::Kind::Run))
        fmt::print("thread {} ran {} steps and can go on ('run {}' again)\n", id, taken, id);
    show_state();
}

void ExploreShell::back(const Words& words) {
    uint64_t count = 1;
    if (words.size() > 2 || (words.size() == 2 && !parse_count(words[1], count)))
        return (void)fmt::print("back takes a number of steps: back [N]\n");
    std::vector<bs::Choice> choices = session_.state().choices();
    if (count > choices.size())
        return (void)fmt::print("only {} steps were taken: back {} at most\n", choices.size(), choices.size());
    choices.resize(choices.size() - count);
    if (go(choices, {})) {
        show_notes();
        show_state();
    }
}

void ExploreShell::jump(const Words& words) {
    uint64_t target = 0;
    if (words.size() != 2 || !parse_count(words[1], target))
        return (void)fmt::print("jump takes a step number: jump N\n");
    std::vector<bs::Choice> choices = session_.state().choices();
    size_t before = choices.size();
    bs::PlanEnd end;
    if (target <= choices.size()) {
        choices.resize(target);
    } else {
        if (ended_says_so()) return;
        if (target - choices.size() > kMaxStepCount)
            return (void)fmt::print("jump goes at most {} steps forward\n", kMaxStepCount);
        end.steps = target - choices.size();
    }
    if (!go(choices, end)) return;
    show_notes();
    if (target > before) show_steps(before);
    show_new_findings();
    if (session_.state().steps() < target)
        fmt::print("the program ended before step {}\n", target);
    show_state();
}

void ExploreShell::trace(const Words& words) {
    uint64_t last = 0;
    if (words.size() > 2 || (words.size() == 2 && (!parse_count(words[1], last) || last == 0)))
        return (void)fmt::print("trace takes how many of the last steps to show: trace [N]\n");
    const bs::Trace& trace = session_.state().trace;
    if (trace.steps.empty()) return (void)fmt::print("no step taken yet\n");
    size_t first = last && last < trace.steps.size() ? trace.steps.size() - last : 0;
    print_trace(trace, session_.symbolizer(), session_.targets(), first);
}

void ExploreShell::races() {
    bool any = false;
    for (const report::Finding& finding : session_.findings_so_far()) {
        if (finding.kind != "data-race") continue;
        any = true;
        fmt::print("{} at {}\n", finding.message, location_text(finding.location));
    }
    if (!any) fmt::print("no data race found so far\n");
    std::vector<std::string> names;
    for (uint64_t granule : session_.preempt_on()) names.push_back(session_.targets().granule_name(granule));
    if (!names.empty()) fmt::print("scheduling points at every access to {}\n", fmt::join(names, ", "));
}

void ExploreShell::save(const Words& words) {
    if (words.size() != 2) return (void)fmt::print("save takes a file name: save FILE\n");
    bs::ScheduleFile file;
    std::string error;
    file.program = program_path();
    file.program_hash = bs::hash_file(file.program, error);
    if (file.program_hash.empty()) return (void)fmt::print("error: {}\n", error);
    file.arguments = session_.program().arguments;
    file.input = session_.program().input;
    if (!file.input.empty() && (file.input_hash = bs::hash_file(file.input, error)).empty())
        return (void)fmt::print("error: {}\n", error);
    file.found_in = "baton explore";
    file.preempt_on = session_.preempt_on();
    file.preempt_all = session_.program().preempt_all;
    file.schedule = bs::format_choices(session_.state().choices());
    if (!bs::write_schedule_file(words[1], file, error)) return (void)fmt::print("error: {}\n", error);
    fmt::print("saved {} steps to {}\n", session_.state().steps(), words[1]);
}

void ExploreShell::load(const Words& words) {
    if (words.size() != 2) return (void)fmt::print("load takes a file name: load FILE\n");
    bs::ScheduleFile file;
    std::string error;
    std::vector<bs::Choice> choices;
    if (!bs::read_schedule_file(words[1], file, error)) return (void)fmt::print("error: {}\n", error);
    if (file.program != program_path())
        return (void)fmt::print("error: '{}' is a schedule of {}, not of this program\n", words[1], file.program);
    if (!bs::schedule_fits_program(file, error) || !bs::parse_choices(file.schedule, choices, error))
        return (void)fmt::print("error: {}\n", error);
    if (file.preempt_all != session_.program().preempt_all)
        return (void)fmt::print("error: '{}' was recorded with --preempt {}; start `baton explore --schedule {}` "
                                "to load it\n",
                                words[1], file.preempt_all ? "all" : "racy", words[1]);
    if (file.arguments != session_.program().arguments)
        fmt::print("note: the schedule was recorded with other arguments; this session keeps its own\n");
    if (!session_.go_recorded(choices, file.preempt_on, error)) return (void)fmt::print("error: {}\n", error);
    show_notes();
    show_new_findings();
    show_state();
}

struct ExploreOptions {
    std::string program;
    std::string schedule;
    std::vector<std::string> arguments;
    bool has_arguments = false;
    double time_limit = 30;
    std::optional<bool> preempt_all;  // --preempt, if given
};

// Returns 0 to go on, 2 after a usage error, -1 after --help.
int parse_options(int argc, char** argv, ExploreOptions& options) {
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto value_of = [&](const std::string& name, std::string& value) {
            if (arg == name) {
                if (i + 1 >= argc) return false;
                value = argv[++i];
                return true;
            }
            value = arg.substr(name.size() + 1);
            return true;
        };
        if (arg == "-h" || arg == "--help") {
            fputs(kExploreUsage, stdout);
            return -1;
        }
        if (arg == "--") {
            options.arguments.assign(argv + i + 1, argv + argc);
            options.has_arguments = true;
            break;
        }
        std::string value;
        if (arg == "--schedule" || arg.rfind("--schedule=", 0) == 0) {
            if (!value_of("--schedule", value) || value.empty()) {
                fprintf(stderr, "baton explore: --schedule needs a file\n");
                return 2;
            }
            options.schedule = value;
            continue;
        }
        if (arg == "--preempt" || arg.rfind("--preempt=", 0) == 0) {
            value_of("--preempt", value);
            if (value != "racy" && value != "all") {
                fprintf(stderr, "baton explore: --preempt must be racy or all, not '%s'\n", value.c_str());
                return 2;
            }
            options.preempt_all = value == "all";
            continue;
        }
        if (arg == "--time-limit" || arg.rfind("--time-limit=", 0) == 0) {
            value_of("--time-limit", value);
            char* end = nullptr;
            options.time_limit = strtod(value.c_str(), &end);
            if (value.empty() || *end != '\0' || !(options.time_limit > 0) || options.time_limit > 1e6) {
                fprintf(stderr, "baton explore: --time-limit needs a positive number of seconds, not '%s'\n",
                        value.c_str());
                return 2;
            }
            continue;
        }
        if (arg.size() > 1 && arg[0] == '-') {
            fprintf(stderr, "baton explore: unknown option '%s' (see baton explore --help)\n", arg.c_str());
            return 2;
        }
        if (!options.program.empty()) {
            fprintf(stderr, "baton explore: more than one program given ('%s', '%s')\n", options.program.c_str(),
                    arg.c_str());
            return 2;
        }
        options.program = arg;
    }
    if (options.program.empty() && options.schedule.empty()) {
        fprintf(stderr, "baton explore: no program given (see baton explore --help)\n");
        return 2;
    }
    return 0;
}

}  // namespace

int explore_main(int argc, char** argv) {
    ExploreOptions options;
    if (int status = parse_options(argc, argv, options); status != 0) return status < 0 ? 0 : status;

    std::string error;
    bs::ScheduleFile file;
    std::vector<bs::Choice> choices;
    if (!options.schedule.empty()) {
        if (!bs::read_schedule_file(options.schedule, file, error) || !bs::schedule_fits_program(file, error) ||
            !bs::parse_choices(file.schedule, choices, error)) {
            fprintf(stderr, "baton explore: %s\n", error.c_str());
            return 2;
        }
        if (!options.program.empty() &&
            std::filesystem::absolute(options.program).lexically_normal().string() != file.program) {
            fprintf(stderr, "baton explore: '%s' is a schedule of %s, not of %s\n", options.schedule.c_str(),
                    file.program.c_str(), options.program.c_str());
            return 2;
        }
        if (options.preempt_all && *options.preempt_all != file.preempt_all) {
            fprintf(stderr, "baton explore: '%s' was recorded with --preempt %s: its steps count those scheduling points\n",
                    options.schedule.c_str(), file.preempt_all ? "all" : "racy");
            return 2;
        }
        options.preempt_all = file.preempt_all;
        if (options.program.empty()) options.program = file.program;
        if (!options.has_arguments) options.arguments = file.arguments;
    }
    PreparedProgram prepared;
    if (!prepare_program(options.program, prepared, error)) {
        fprintf(stderr, "baton explore: %s\n", error.c_str());
        return 2;
    }
    struct Cleanup {
        const PreparedProgram& program;
        ~Cleanup() { remove_prepared(program); }
    } cleanup{prepared};
    bs::become_subreaper();

    ExploreSession session({options.program, prepared.executable, options.arguments, options.time_limit,
                            options.preempt_all.value_or(false), file.input});
    if (!session.start(choices, file.preempt_on, error)) {
        fprintf(stderr, "baton explore: %s\n", error.c_str());
        return 2;
    }
    ExploreShell shell(session);
    fmt::print("baton explore {} ('help' lists the commands)\n", options.program);
    shell.show_new_findings();
    for (const std::string& note : session.take_notes()) fmt::print("note: {}\n", note);
    shell.show_state();
    std::fflush(stdout);

    LineReader reader;
    std::string line;
    while (reader.read("(baton) ", line))
        if (!shell.execute(line)) break;
    return 0;
}

}  // namespace baton::cli
