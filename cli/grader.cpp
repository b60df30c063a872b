#include "cli/grader.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <memory>

#include <fmt/format.h>

#include "cli/limited_process.h"
#include "report/json.h"

namespace fs = std::filesystem;

namespace baton::cli {
namespace {

// Files a program (or its build) may write: far beyond any binary or log a submission
// needs, and a disk that a runaway loop cannot fill.
constexpr uint64_t kFileSizeLimit = uint64_t{1} << 30;
// The JSON report of one `baton check`: a few KiB per finding, and findings are distinct.
constexpr size_t kReportLimit = size_t{16} << 20;
constexpr size_t kCompilerOutputLimit = size_t{64} << 10;
constexpr int64_t kOrphanSweepMs = 250;

// Set by the signal handler; the poll loop notices through the wake-up pipe.
volatile sig_atomic_t g_interrupted = 0;
int g_wake_write = -1;

void wake(int signal) {
    int saved = errno;
    if (signal != SIGCHLD) g_interrupted = signal;
    [[maybe_unused]] ssize_t n = write(g_wake_write, "!", 1);
    errno = saved;
}

// Installs the handlers that wake the poll loop (a child ended, or the user wants to stop)
// for as long as grading runs, and puts the old ones back afterwards.
class SignalScope {
public:
    SignalScope() {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
            wake_read_ = fds[0];
            g_wake_write = fds[1];
        }
        g_interrupted = 0;
        struct sigaction action {};
        action.sa_handler = wake;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART | SA_NOCLDSTOP;
        for (size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &action, &old_[i]);
    }
    ~SignalScope() {
        for (size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &old_[i], nullptr);
        close(wake_read_);
        close(g_wake_write);
        g_wake_write = -1;
    }
    int wake_fd() const { return wake_read_; }
    void drain() const {
        char buffer[256];
        while (read(wake_read_, buffer, sizeof buffer) > 0) {}
    }

private:
    static constexpr int kSignals[] = {SIGCHLD, SIGINT, SIGTERM, SIGHUP};
    struct sigaction old_[std::size(kSignals)];
    int wake_read_ = -1;
};

std::string signal_name(int signal) {
    const char* name = sigabbrev_np(signal);
    return fmt::format("signal {} (SIG{})", signal, name ? name : "?");
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    for (size_t start = 0; start < text.size();) {
        size_t end = std::min(text.find('\n', start), text.size());
        if (end > start) lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

// The compiler's messages boiled down to the line that says what is wrong: the first
// diagnostic marked "error:", or the linker's own complaint (an undefined reference) rather
// than the driver's "linker command failed" that follows it.
std::string compile_error_line(const std::string& messages) {
    std::vector<std::string> lines = lines_of(messages);
    std::string linker, driver;
    for (const std::string& line : lines) {
        bool error = line.find("error:") != std::string::npos;
        if (error && line.find("linker command failed") == std::string::npos) return line;
        if (error && driver.empty()) driver = line;
        if (linker.empty() && (line.find("undefined reference") != std::string::npos ||
                               line.find("multiple definition") != std::string::npos))
            linker = line;
    }
    if (!linker.empty()) return linker;
    if (!driver.empty()) return driver;
    return lines.empty() ? "" : lines[0];
}

// What `baton check` said when it gave up: its one line, without its "baton check: ".
std::string check_error_line(const std::string& messages) {
    std::vector<std::string> lines = lines_of(messages);
    std::string line = lines.empty() ? "" : lines[0];
    const std::string prefix = "baton check: ";
    if (line.rfind(prefix, 0) == 0) line.erase(0, prefix.size());
    return line;
}

std::string sibling_tool(const char* name) {
    std::error_code error;
    return (fs::read_symlink("/proc/self/exe", error).parent_path() / name).string();
}

struct Job {
    size_t index = 0;  // into the submissions and the results
    std::string directory;  // this job's: the binary, and $TMPDIR for its children
    std::string binary;
    bool building = false;
    std::unique_ptr<LimitedProcess> process;
    int64_t started_ms = 0;
    int64_t deadline_ms = 0;
    bool timed_out = false;
};

class Grading {
public:
    Grading(const std::vector<Submission>& submissions, const GradeSettings& settings,
            const ProgressHandler& progress, std::vector<SubmissionResult>& results,
            std::string temporary_directory)
        : submissions_(submissions), settings_(settings), progress_(progress), results_(results),
          temporary_directory_(std::move(temporary_directory)) {
        limits_.address_space_bytes = settings.memory_limit_mb << 20;
        limits_.file_size_bytes = kFileSizeLimit;
    }

    // Returns the signal that interrupted it, or 0.
    int run();
    // Why grading stopped early without a signal (empty if it did not).
    const std::string& failure() const { return failure_; }

private:
    // Waits until a child wrote, ended or reached its deadline (or a signal came), and
    // takes in what happened. False if waiting itself failed.
    bool wait_for_news(const SignalScope& signals);
    // Kills the jobs past their deadline, and moves on the ones whose phase ended.
    void advance_jobs();
    void start(size_t index);
    void start_build(Job& job);
    void start_check(Job& job);
    void launch(Job& job, const std::vector<std::string>& command, const ProcessLimits& limits);
    void phase_ended(Job& job);
    void build_ended(Job& job);
    void check_ended(Job& job);
    void read_report(const LimitedProcess& process, SubmissionResult& result);
    void finish(Job& job, std::string verdict, std::string message);
    void finish(Job& job);
    void reap();
    std::vector<pid_t> running_pids() const;
    void stop_everything();

    const std::vector<Submission>& submissions_;
    const GradeSettings& settings_;
    const ProgressHandler& progress_;
    std::vector<SubmissionResult>& results_;
    std::string temporary_directory_;
    ProcessLimits limits_;
    std::vector<std::unique_ptr<Job>> active_;
    size_t done_ = 0;
    std::string failure_;
};

int Grading::run() {
    SignalScope signals;
    results_.assign(submissions_.size(), SubmissionResult{});
    size_t next = 0;
    int64_t last_sweep_ms = monotonic_ms();
    while (next < submissions_.size() || !active_.empty()) {
        if (g_interrupted) {
            stop_everything();
            return g_interrupted;
        }
        while (active_.size() < settings_.jobs && next < submissions_.size()) start(next++);
        if (!wait_for_news(signals)) {
            stop_everything();
            return 0;
        }
        advance_jobs();
        // A program that escaped its group and outlived whatever started it is ours now.
        if (monotonic_ms() - last_sweep_ms >= kOrphanSweepMs) {
            kill_adopted_orphans(running_pids());
            last_sweep_ms = monotonic_ms();
        }
    }
    while (kill_adopted_orphans(running_pids()) > 0) {}
    return 0;
}

bool Grading::wait_for_news(const SignalScope& signals) {
    std::vector<pollfd> fds{{signals.wake_fd(), POLLIN, 0}};
    int64_t now = monotonic_ms(), wait_ms = kOrphanSweepMs;
    for (const auto& job : active_) {
        job->process->watch(fds);
        if (!job->timed_out)
            wait_ms = std::min(wait_ms, std::max<int64_t>(0, job->deadline_ms - now + 1));
    }
    if (poll(fds.data(), fds.size(), static_cast<int>(wait_ms)) < 0 && errno != EINTR) {
        failure_ = std::string("cannot wait for the checks: ") + strerror(errno);
        return false;
    }
    signals.drain();
    for (const pollfd& ready : fds)
        for (const auto& job : active_) job->process->on_ready(ready);
    reap();
    return true;
}

void Grading::advance_jobs() {
    int64_t now = monotonic_ms();
    for (size_t i = 0; i < active_.size();) {
        Job& job = *active_[i];
        if (now > job.deadline_ms && !job.timed_out && job.process->running()) {
            job.timed_out = true;
            job.process->kill_group();
        }
        if (!job.process->finished()) {
            ++i;
            continue;
        }
        phase_ended(job);
        if (job.process) ++i;  // the build ended and the check began
        else active_.erase(active_.begin() + static_cast<long>(i));
    }
}

void Grading::start(size_t index) {
    const Submission& submission = submissions_[index];
    auto job = std::make_unique<Job>();
    job->index = index;
    job->started_ms = monotonic_ms();
    job->deadline_ms = job->started_ms + static_cast<int64_t>(settings_.wall_limit_seconds * 1000);
    results_[index].program = submission.name;
    if (!submission.problem.empty()) {
        finish(*job, verdict::kCompileError, submission.problem);
        return;
    }
    // The job's own directory: the binary, and $TMPDIR for the build and the program, so
    // that whatever they leave there (a killed build's objects) goes when the job does.
    job->directory = fmt::format("{}/{}", temporary_directory_, index);
    std::error_code code;
    fs::create_directory(job->directory, code);
    if (code) {
        finish(*job, verdict::kError, "cannot create a build directory: " + code.message());
        return;
    }
    if (submission.sources.empty()) {
        job->binary = submission.name;
        start_check(*job);
    } else {
        start_build(*job);
    }
    if (job->process) active_.push_back(std::move(job));
}

void Grading::start_build(Job& job) {
    const Submission& submission = submissions_[job.index];
    // Named after the program so that a message naming the binary still makes sense.
    std::string stem = fs::path(submission.name).stem().string();
    job.binary = job.directory + "/" + (stem.empty() ? "program" : stem);
    // The same flags as `baton check FILE` uses for one source file.
    std::vector<std::string> command{sibling_tool(submission.cxx ? "baton-c++" : "baton-cc"),
                                     submission.cxx ? "-std=gnu++20" : "-std=gnu17", "-o",
                                     job.binary};
    command.insert(command.end(), submission.sources.begin(), submission.sources.end());
    command.push_back("-lm");
    ProcessLimits limits = limits_;
    limits.output_bytes = kCompilerOutputLimit;
    limits.error_bytes = kCompilerOutputLimit;
    job.building = true;
    launch(job, command, limits);
}

void Grading::start_check(Job& job) {
    // Programs are checked side by side (the grader's --jobs): each check takes one core.
    std::vector<std::string> command{"/proc/self/exe", "check", "--format=json", "--jobs=1"};
    command.insert(command.end(), settings_.check_options.begin(), settings_.check_options.end());
    command.push_back(job.binary);
    if (!settings_.program_arguments.empty()) {
        command.push_back("--");
        command.insert(command.end(), settings_.program_arguments.begin(),
                       settings_.program_arguments.end());
    }
    ProcessLimits limits = limits_;
    limits.output_bytes = kReportLimit;
    job.building = false;
    launch(job, command, limits);
}

void Grading::launch(Job& job, const std::vector<std::string>& command,
                     const ProcessLimits& limits) {
    job.process = std::make_unique<LimitedProcess>();
    std::string error;
    if (!job.process->start(command, limits, error, {"TMPDIR=" + job.directory}))
        finish(job, verdict::kError, error);
}

void Grading::phase_ended(Job& job) {
    if (job.building) build_ended(job);
    else check_ended(job);
}

void Grading::build_ended(Job& job) {
    const LimitedProcess& build = *job.process;
    if (job.timed_out) {
        finish(job, verdict::kTimeout,
               fmt::format("still building after {:g} s", settings_.wall_limit_seconds));
    } else if (build.exited() && build.exit_code() == 0) {
        start_check(job);
    } else if (build.exited()) {
        std::string line = compile_error_line(build.errors() + build.output());
        finish(job, verdict::kCompileError,
               line.empty() ? fmt::format("the compiler exited with status {}", build.exit_code())
                            : line);
    } else {
        // Not the program's fault, most likely: the memory limit or the machine.
        finish(job, verdict::kError,
               fmt::format("the compiler was killed by {}", signal_name(build.signal())));
    }
}

void Grading::check_ended(Job& job) {
    const LimitedProcess& check = *job.process;
    SubmissionResult& result = results_[job.index];
    if (job.timed_out) {
        finish(job, verdict::kTimeout,
               fmt::format("still being checked after {:g} s", settings_.wall_limit_seconds));
    } else if (check.output_overflowed()) {
        finish(job, verdict::kError,
               fmt::format("its report passed {} MiB and was cut off", kReportLimit >> 20));
    } else if (check.exited() && (check.exit_code() == 0 || check.exit_code() == 1)) {
        read_report(check, result);
        finish(job);
    } else if (check.exited() && check.exit_code() == 2) {
        finish(job, verdict::kError, check_error_line(check.errors()));
    } else if (check.exited()) {
        finish(job, verdict::kError,
               fmt::format("baton check exited with status {}: {}", check.exit_code(),
                           check_error_line(check.errors())));
    } else {
        finish(job, verdict::kError,
               fmt::format("baton check was killed by {}", signal_name(check.signal())));
    }
}

void Grading::read_report(const LimitedProcess& process, SubmissionResult& result) {
    nlohmann::json report = nlohmann::json::parse(process.output(), nullptr, false);
    if (!report.is_object() || !report["verdict"].is_string() || !report["stats"].is_object() ||
        !report["findings"].is_array()) {
        result.verdict = verdict::kError;
        result.message = "baton check printed no JSON report";
        return;
    }
    result.verdict = report["verdict"];
    result.executions = report["stats"].value("executions", uint64_t{0});
    for (const nlohmann::json& finding : report["findings"]) {
        if (!finding.is_object()) continue;
        std::string kind = finding.value("kind", "");
        ++result.counts[kind];
        nlohmann::json brief = {{"kind", kind}, {"message", finding.value("message", "")}};
        if (finding.contains("location")) brief["location"] = finding["location"];
        result.findings.push_back(std::move(brief));
        result.details.push_back(report::finding_from_json(finding));
    }
    if (!result.findings.empty()) result.message = result.findings[0]["message"];
}

void Grading::finish(Job& job, std::string verdict, std::string message) {
    results_[job.index].verdict = std::move(verdict);
    results_[job.index].message = std::move(message);
    finish(job);
}

void Grading::finish(Job& job) {
    SubmissionResult& result = results_[job.index];
    result.seconds = static_cast<double>(monotonic_ms() - job.started_ms) / 1000;
    job.process.reset();
    if (!job.directory.empty()) {
        std::error_code ignored;
        fs::remove_all(job.directory, ignored);
    }
    ++done_;
    if (progress_) progress_(result, done_, submissions_.size());
}

void Grading::reap() {
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (const auto& job : active_)
            if (job->process && job->process->pid() == pid) job->process->on_exit(status);
        // Any other pid was an adopted orphan: reaping it is all it needed.
    }
}

std::vector<pid_t> Grading::running_pids() const {
    std::vector<pid_t> pids;
    for (const auto& job : active_)
        if (job->process) pids.push_back(job->process->pid());
    return pids;
}

void Grading::stop_everything() {
    for (const auto& job : active_) job->process->kill_group();
    for (const auto& job : active_) {
        if (!job->process->running()) continue;
        int status = 0;
        pid_t reaped;
        while ((reaped = waitpid(job->process->pid(), &status, 0)) < 0 && errno == EINTR) {}
        if (reaped > 0) job->process->on_exit(status);
    }
    active_.clear();
    while (kill_adopted_orphans({}) > 0) {}
}

std::string make_temporary_directory(std::string& error) {
    const char* base = getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/baton-grade.XXXXXX";
    if (!mkdtemp(pattern.data())) {
        error =
            fmt::format("cannot create a temporary directory ({}): {}", pattern, strerror(errno));
        return "";
    }
    return pattern;
}

}  // namespace

bool grade(const std::vector<Submission>& submissions, const GradeSettings& settings,
           const ProgressHandler& progress, std::vector<SubmissionResult>& results,
           int& interrupted_by, std::string& error) {
    std::string directory = make_temporary_directory(error);
    if (directory.empty()) return false;
    // Orphans of a killed check (a program's own children) come to us, to be killed.
    adopt_orphans();
    Grading grading(submissions, settings, progress, results, directory);
    interrupted_by = grading.run();
    error = grading.failure();
    std::error_code ignored;
    fs::remove_all(directory, ignored);
    return interrupted_by == 0 && error.empty();
}

}  // namespace baton::cli
