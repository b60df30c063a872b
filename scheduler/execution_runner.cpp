#include "scheduler/execution_runner.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "scheduler/protocol.h"

namespace baton::scheduler {
namespace {

constexpr int kReportFd = 3;
constexpr int kPlanFd = 4;
constexpr int kTraceFd = 5;
constexpr uint64_t kGraceMs = 2000;  // past the watchdog, before the parent kills

struct Pipe {
    int read = -1;
    int write = -1;
};

bool make_pipe(Pipe& pipe) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    pipe.read = fds[0];
    pipe.write = fds[1];
    return true;
}

void close_fd(int& fd) {
    if (fd >= 0) close(fd);
    fd = -1;
}

// An anonymous file: the plan is written to it before the child starts, the trace read from
// it after the child ends, so neither side ever waits for the other.
int anonymous_file(const char* name) { return memfd_create(name, MFD_CLOEXEC); }

std::string read_file_from_start(int fd) {
    std::string text;
    if (fd < 0) return text;
    lseek(fd, 0, SEEK_SET);
    char buffer[65536];
    for (;;) {
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        text.append(buffer, static_cast<size_t>(n));
    }
    return text;
}

// Everything the child needs, prepared before vfork(): the child shares the parent's memory
// until it execs, so it may only make system calls.
struct ChildSetup {
    std::vector<std::string> environment;
    std::vector<char*> envp;
    std::vector<char*> argv;
    std::string cannot_run;  // the message if exec fails

    explicit ChildSetup(const RunRequest& request, bool has_plan, bool has_trace) {
        auto set = [&](const char* name, const std::string& value) {
            environment.push_back(std::string(name) + "=" + value);
        };
        std::string prefix = "BATON_";
        for (char** entry = environ; *entry; ++entry)
            if (strncmp(*entry, prefix.c_str(), prefix.size()) != 0) environment.emplace_back(*entry);
        set(protocol::kEnvReportFd, std::to_string(kReportFd));
        set(protocol::kEnvStrategy, request.strategy);
        set(protocol::kEnvSeed, std::to_string(request.seed));
        if (has_plan) set(protocol::kEnvPlanFd, std::to_string(kPlanFd));
        if (!request.plan_end.empty()) set(protocol::kEnvPlanEnd, request.plan_end);
        if (has_trace) {
            set(protocol::kEnvTraceFd, std::to_string(kTraceFd));
            set(protocol::kEnvTraceLimit, std::to_string(request.trace_limit));
        }
        auto set_list = [&](const char* name, const std::vector<uint64_t>& addresses) {
            if (addresses.empty()) return;
            std::string list;
            for (uint64_t address : addresses) list += (list.empty() ? "" : " ") + std::to_string(address);
            set(name, list);
        };
        set_list(protocol::kEnvPreemptOn, request.preempt_on);
        set_list(protocol::kEnvUnplanned, request.unplanned);
        if (request.strategy == "pct") {
            set(protocol::kEnvPctDepth, std::to_string(request.pct_depth));
            set(protocol::kEnvPctSteps, std::to_string(request.pct_steps));
        }
        if (request.max_steps) set(protocol::kEnvMaxSteps, std::to_string(request.max_steps));
        if (request.time_limit_ms) set(protocol::kEnvTimeLimitMs, std::to_string(request.time_limit_ms));
        for (std::string& entry : environment) envp.push_back(entry.data());
        envp.push_back(nullptr);
        argv.push_back(const_cast<char*>(request.program.c_str()));
        for (const std::string& arg : request.arguments) argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        cannot_run = "baton: cannot run " + request.program + "\n";
    }
};

[[noreturn]] void exec_child(const ChildSetup& setup, const Pipe& report, const Pipe& out,
                             const Pipe& err, int null, int plan_fd, int trace_fd) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    personality(ADDR_NO_RANDOMIZE);
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    if (null >= 0) dup2(null, STDIN_FILENO);
    dup2(out.write, STDOUT_FILENO);
    dup2(err.write, STDERR_FILENO);
    dup2(report.write, kReportFd);  // dup2 clears close-on-exec on the new descriptor
    if (plan_fd >= 0) dup2(plan_fd, kPlanFd);
    if (trace_fd >= 0) dup2(trace_fd, kTraceFd);
    execve(setup.argv[0], setup.argv.data(), setup.envp.data());
    ssize_t ignored = write(STDERR_FILENO, setup.cannot_run.data(), setup.cannot_run.size());
    (void)ignored;
    _exit(127);
}

// Appends what is readable on fd to `sink` (up to `limit`, the rest is drained). Returns
// false at end of file.
bool drain(int fd, std::string& sink, size_t limit) {
    char buffer[65536];
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0) return errno == EINTR || errno == EAGAIN;
    if (n == 0) return false;
    size_t room = sink.size() < limit ? limit - sink.size() : 0;
    sink.append(buffer, std::min<size_t>(room, static_cast<size_t>(n)));
    return true;
}

void kill_orphans() {
    // Processes the program started and left behind are our children now (subreaper).
    for (;;) {
        pid_t pid = waitpid(-1, nullptr, WNOHANG);
        if (pid < 0 && errno == ECHILD) return;  // no child at all: nothing left behind
        if (pid <= 0) break;
    }
    DIR* proc = opendir("/proc");
    if (!proc) return;
    pid_t self = getpid();
    while (dirent* entry = readdir(proc)) {
        pid_t pid = atoi(entry->d_name);
        if (pid <= 0) continue;
        std::ifstream stat("/proc/" + std::string(entry->d_name) + "/stat");
        std::string line;
        std::getline(stat, line);
        size_t close_paren = line.rfind(')');
        if (close_paren == std::string::npos) continue;
        char state;
        int parent = 0;
        if (sscanf(line.c_str() + close_paren + 1, " %c %d", &state, &parent) != 2) continue;
        if (parent == self) {
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
    }
    closedir(proc);
}

void parse_records(const std::string& text, std::vector<nlohmann::json>& records) {
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) break;  // an incomplete last line: the child died mid-write
        nlohmann::json record = nlohmann::json::parse(text.begin() + static_cast<long>(start),
                                                      text.begin() + static_cast<long>(end),
                                                      nullptr, /*allow_exceptions=*/false);
        if (record.is_object()) records.push_back(std::move(record));
        start = end + 1;
    }
}

}  // namespace

const nlohmann::json* ExecutionOutcome::find_record(const char* kind) const {
    for (const nlohmann::json& record : records)
        if (record.value("rec", "") == kind) return &record;
    return nullptr;
}

void become_subreaper() { prctl(PR_SET_CHILD_SUBREAPER, 1); }

bool run_execution(const RunRequest& request, ExecutionOutcome& outcome, std::string& error) {
    auto started = std::chrono::steady_clock::now();
    Pipe report, out, err;
    if (!make_pipe(report) || !make_pipe(out) || !make_pipe(err)) {
        error = std::string("cannot create pipes: ") + strerror(errno);
        return false;
    }
    int plan_fd = -1, trace_fd = -1;
    if (request.strategy == "guided") {
        plan_fd = anonymous_file("baton-plan");
        if (plan_fd < 0 || write(plan_fd, request.plan.data(), request.plan.size()) !=
                               static_cast<ssize_t>(request.plan.size())) {
            error = std::string("cannot write the schedule for the program: ") + strerror(errno);
            return false;
        }
        lseek(plan_fd, 0, SEEK_SET);
    }
    if (request.record_trace && (trace_fd = anonymous_file("baton-trace")) < 0) {
        error = std::string("cannot create the trace file: ") + strerror(errno);
        return false;
    }
    ChildSetup setup(request, plan_fd >= 0, trace_fd >= 0);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    // vfork: baton links LLVM, and copying its page tables for every execution (fork) costs
    // more than many executions themselves.
    pid_t pid = vfork();
    if (pid < 0) {
        error = std::string("cannot start the program: ") + strerror(errno);
        return false;
    }
    if (pid == 0) exec_child(setup, report, out, err, null, plan_fd, trace_fd);
    close_fd(null);
    close_fd(plan_fd);
    setpgid(pid, pid);  // also here: no race with the child's own setpgid
    close_fd(report.write);
    close_fd(out.write);
    close_fd(err.write);

    std::string report_text;
    // The program's end is one more descriptor to poll (a pidfd), so nothing here sleeps:
    // an execution's result is read the moment it is there.
    int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    pollfd fds[4] = {{report.read, POLLIN, 0}, {out.read, POLLIN, 0}, {err.read, POLLIN, 0},
                     {pidfd, POLLIN, 0}};
    std::string* sinks[3] = {&report_text, &outcome.output, &outcome.errors};
    size_t limits[3] = {size_t{64} << 20, request.output_limit, request.output_limit};
    uint64_t deadline_ms = request.time_limit_ms ? request.time_limit_ms + kGraceMs : 0;
    int open_count = 3;
    int status = 0;
    bool reaped = false;
    int64_t reaped_at_ms = 0;
    while (open_count > 0 || !reaped) {
        auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started).count();
        // Processes the program left behind (in another session) may hold the pipes open:
        // once the program has ended, wait a little for the rest of its output, no more.
        if (reaped && elapsed - reaped_at_ms > 200) break;
        if (deadline_ms && static_cast<uint64_t>(elapsed) > deadline_ms && !outcome.killed_by_parent) {
            kill(-pid, SIGKILL);
            outcome.killed_by_parent = true;
        }
        if (!reaped && waitpid(pid, &status, WNOHANG) == pid) {
            reaped = true;
            reaped_at_ms = elapsed;
            close_fd(fds[3].fd);
            // The program's own children may keep the pipes open: they go too.
            kill(-pid, SIGKILL);
            continue;
        }
        int ready = poll(fds, 4, pidfd < 0 && open_count == 0 ? 2 : 50);
        if (ready < 0 && errno != EINTR) break;
        for (int i = 0; i < 3; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            if (!drain(fds[i].fd, *sinks[i], limits[i])) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_count;
            }
        }
    }
    for (auto& fd : fds) close_fd(fd.fd);
    kill_orphans();

    parse_records(report_text, outcome.records);
    outcome.trace = read_file_from_start(trace_fd);
    close_fd(trace_fd);
    if (WIFEXITED(status)) {
        outcome.exited = true;
        outcome.exit_status = WEXITSTATUS(status);
        outcome.runtime_stopped = outcome.exit_status == protocol::kExitStopped;
        outcome.runtime_error = outcome.exit_status == protocol::kExitRuntimeError;
    } else if (WIFSIGNALED(status)) {
        outcome.signal = WTERMSIG(status);
    }
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return true;
}

}  // namespace baton::scheduler
