#include "scheduler/execution_runner.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <linux/futex.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scheduler/channel_wait.h"
#include "scheduler/protocol.h"

namespace baton::scheduler {
namespace {

constexpr int kReportFd = 3;
constexpr int kPlanFd = 4;
constexpr int kTraceFd = 5;
constexpr int kChannelFd = 6;  // server mode: the shared-memory channel
constexpr int kWakeFd = 7;     // server mode: the eventfd that wakes the parent
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

// The program's standard input: the request's file, or /dev/null (-1 if it cannot be opened).
// Opened anew for each process: its offset starts at 0.
int open_input(const RunRequest& request) {
    return open(request.input.empty() ? "/dev/null" : request.input.c_str(), O_RDONLY | O_CLOEXEC);
}

// The time limit of an execution that begins now (RunRequest::deadline).
uint64_t time_limit_from_now(const RunRequest& request) {
    if (request.deadline == std::chrono::steady_clock::time_point{}) return request.time_limit_ms;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(request.deadline -
                                                                      std::chrono::steady_clock::now());
    return static_cast<uint64_t>(std::max<int64_t>(100, left.count()));
}

// The execution's settings as NAME=VALUE pairs (protocol.h's names): the environment of a
// process that runs one execution, or the request to a process that serves many. The time
// limit (0: none) is given apart: a request is the same one whenever it begins.
std::vector<std::string> execution_settings(const RunRequest& request, bool has_plan, bool has_trace,
                                            uint64_t time_limit_ms) {
    std::vector<std::string> settings;
    auto set = [&](const char* name, const std::string& value) { settings.push_back(std::string(name) + "=" + value); };
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
    if (request.preempt_all) set(protocol::kEnvPreemptAll, "1");
    if (request.strategy == "pct") {
        set(protocol::kEnvPctDepth, std::to_string(request.pct_depth));
        set(protocol::kEnvPctSteps, std::to_string(request.pct_steps));
    }
    if (request.max_steps) set(protocol::kEnvMaxSteps, std::to_string(request.max_steps));
    if (time_limit_ms) set(protocol::kEnvTimeLimitMs, std::to_string(time_limit_ms));
    return settings;
}

// Everything the child needs, prepared before vfork(): the child shares the parent's memory
// until it execs, so it may only make system calls.
struct ChildSetup {
    std::vector<std::string> environment;
    std::vector<char*> envp;
    std::vector<char*> argv;
    std::string cannot_run;  // the message if exec fails

    // A process for one execution, or (`serve`) one that serves many and takes the settings
    // of each from its request.
    ChildSetup(const RunRequest& request, bool has_plan, bool has_trace, uint64_t time_limit_ms, bool serve = false) {
        std::string prefix = "BATON_";
        for (char** entry = environ; *entry; ++entry)
            if (strncmp(*entry, prefix.c_str(), prefix.size()) != 0) environment.emplace_back(*entry);
        environment.push_back(std::string(protocol::kEnvReportFd) + "=" + std::to_string(kReportFd));
        if (serve) {
            environment.push_back(std::string(protocol::kEnvChannelFd) + "=" + std::to_string(kChannelFd));
            environment.push_back(std::string(protocol::kEnvWakeFd) + "=" + std::to_string(kWakeFd));
            // Every reset restores the GOTs as they were at main: resolved lazily, each
            // execution would resolve its library calls again.
            if (!getenv("LD_BIND_NOW")) environment.push_back("LD_BIND_NOW=1");
        } else {
            for (std::string& setting : execution_settings(request, has_plan, has_trace, time_limit_ms))
                environment.push_back(std::move(setting));
        }
        for (std::string& entry : environment) envp.push_back(entry.data());
        envp.push_back(nullptr);
        argv.push_back(const_cast<char*>(request.program.c_str()));
        for (const std::string& arg : request.arguments) argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        cannot_run = "baton: cannot run " + request.program + "\n";
    }
};

[[noreturn]] void exec_child(const ChildSetup& setup, const Pipe& report, const Pipe& out,
                             const Pipe& err, int input, int plan_fd, int trace_fd, int channel_fd = -1,
                             int wake_fd = -1) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    personality(ADDR_NO_RANDOMIZE);
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    if (input >= 0) dup2(input, STDIN_FILENO);
    dup2(out.write, STDOUT_FILENO);
    dup2(err.write, STDERR_FILENO);
    dup2(report.write, kReportFd);  // dup2 clears close-on-exec on the new descriptor
    if (plan_fd >= 0) dup2(plan_fd, kPlanFd);
    if (trace_fd >= 0) dup2(trace_fd, kTraceFd);
    if (channel_fd >= 0) dup2(channel_fd, kChannelFd);
    if (wake_fd >= 0) dup2(wake_fd, kWakeFd);
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

// The programs' processes this process runs now, from any thread (`--jobs` runs several at
// once): not orphans. A process joins before anyone can see it (the lock is held across the
// vfork) and leaves once reaped.
std::mutex g_children_mutex;
std::set<pid_t> g_children;

// Starts a child (vfork, then `exec` in it) that kill_orphans leaves alone until forgotten.
template <class Exec>
pid_t start_child(Exec exec) {
    std::lock_guard<std::mutex> hold(g_children_mutex);
    pid_t pid = vfork();
    if (pid == 0) exec();
    if (pid > 0) g_children.insert(pid);
    return pid;
}

void forget_child(pid_t pid) {
    std::lock_guard<std::mutex> hold(g_children_mutex);
    g_children.erase(pid);
}

void kill_orphans() {
    // Processes the program started and left behind are our children now (subreaper).
    std::lock_guard<std::mutex> hold(g_children_mutex);
    if (g_children.empty()) {
        for (;;) {
            pid_t pid = waitpid(-1, nullptr, WNOHANG);
            if (pid < 0 && errno == ECHILD) return;  // no child at all: nothing left behind
            if (pid <= 0) break;
        }
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
        if (parent == self && !g_children.count(pid)) {
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


void set_exit_status(ExecutionOutcome& outcome, int exit_status) {
    outcome.exited = true;
    outcome.exit_status = exit_status;
    outcome.runtime_stopped = exit_status == protocol::kExitStopped;
    outcome.runtime_error = exit_status == protocol::kExitRuntimeError;
}

// From waitpid's status.
void set_status(ExecutionOutcome& outcome, int status) {
    if (WIFEXITED(status)) set_exit_status(outcome, WEXITSTATUS(status));
    else if (WIFSIGNALED(status)) outcome.signal = WTERMSIG(status);
}

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// ---- a process that serves many executions (runtime/server.h) ------------------------------

class ReusedProcess {
public:
    ~ReusedProcess() { stop(); }

    // Runs the request in the kept process (started if needed). False if it cannot be
    // served that way; the caller then runs it in a new process. `then`: see run_execution.
    bool run(const RunRequest& request, const RunRequest* then, ExecutionOutcome& outcome) {
        std::string key = process_key(request);
        if (refused_.count(key)) return false;
        if (pid_ >= 0 && key != key_) stop();
        // Posted when the one before was collected: it runs already, since then.
        const bool running = queued_ && queued_->identity == request_text(request, 0);
        if (queued_ && !running) finish_queued();
        Waiting waiting{0, request.output_limit, request.spin};
        auto started = std::chrono::steady_clock::now();
        bool started_now = false;
        if (running) {
            waiting.time_limit_ms = queued_->time_limit_ms;
            started = queued_->posted;
            queued_.reset();
        } else {
            waiting.time_limit_ms = time_limit_from_now(request);
            std::string text = request_text(request, waiting.time_limit_ms);
            if (text.size() > protocol::ServerChannel::kCapacity) return false;  // a process of its own
            started_now = pid_ < 0;
            if (started_now && !start(request, key)) return false;
            started = std::chrono::steady_clock::now();
            post_request(text, request.spin);
        }
        output_limit_ = request.output_limit;
        record_trace_ = request.record_trace;
        outcome.time_limit_ms = waiting.time_limit_ms;
        std::vector<nlohmann::json> records = prefix_;  // the process's, sent before main
        bool replied = wait_for_reply(waiting, outcome, started);
        if (!replied && outcome.records.empty() && !outcome.killed_by_parent) {
            // It died between executions (while resetting itself): nothing of this one ran.
            refused_.insert(key);
            return false;
        }
        if (replied) read_reply(outcome, then && then->reuse_process && process_key(*then) == key ? then : nullptr);
        records.insert(records.end(), std::make_move_iterator(outcome.records.begin()),
                       std::make_move_iterator(outcome.records.end()));
        outcome.records = std::move(records);
        outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        outcome.new_process = started_now;
        return true;
    }

    void stop() {
        if (pid_ < 0) return;
        kill(-pid_, SIGKILL);
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        end();
    }

private:
    bool start(const RunRequest& request, const std::string& key) {
        Pipe report, out, err;
        if (!make_pipe(report) || !make_pipe(out) || !make_pipe(err)) return false;
        trace_ = anonymous_file("baton-trace");
        int channel_fd = anonymous_file("baton-channel");
        wake_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        void* channel = MAP_FAILED;
        if (channel_fd >= 0 && ftruncate(channel_fd, protocol::ServerChannel::mapping_bytes()) == 0)
            channel = mmap(nullptr, protocol::ServerChannel::mapping_bytes(), PROT_READ | PROT_WRITE, MAP_SHARED,
                           channel_fd, 0);
        int input = open_input(request);
        pid_t pid = -1;
        if (channel != MAP_FAILED) channel_ = new (channel) protocol::ServerChannel();  // end() unmaps it
        if (channel_ && wake_ >= 0 && trace_ >= 0) {
            ChildSetup setup(request, false, false, 0, /*serve=*/true);
            pid = start_child([&] { exec_child(setup, report, out, err, input, -1, trace_, channel_fd, wake_); });
        }
        close_fd(input);
        close_fd(channel_fd);  // the mapping stays
        close_fd(report.write);
        close_fd(out.write);
        close_fd(err.write);
        report_ = report.read;
        out_ = out.read;
        err_ = err.read;
        if (pid < 0) {
            end();
            return false;
        }
        setpgid(pid, pid);
        pid_ = pid;
        key_ = key;
        pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
        set_nonblocking(report_), set_nonblocking(out_), set_nonblocking(err_);
        // Until "ready": the start and module records, which every execution's records begin
        // with; the program's constructors may print, which belongs to no execution.
        ExecutionOutcome startup;
        record_trace_ = false;
        Waiting waiting{std::max<uint64_t>(time_limit_from_now(request), 10'000), request.output_limit, request.spin};
        bool ready = wait_for_record("ready", waiting, startup, std::chrono::steady_clock::now());
        if (!ready || startup.find_record("unresettable")) {
            refused_.insert(key);
            stop();
            return false;
        }
        prefix_ = std::move(startup.records);
        return true;
    }

    static std::string process_key(const RunRequest& request) {
        std::string key = request.program + '\0' + request.input + '\0';
        for (const std::string& argument : request.arguments) key += argument + '\0';
        return key;
    }

    // What the channel carries of a request (protocol.h); with a time limit of 0, what tells
    // one request from another.
    static std::string request_text(const RunRequest& request, uint64_t time_limit_ms) {
        std::string text;
        for (const std::string& setting : execution_settings(request, false, request.record_trace, time_limit_ms))
            text += setting + '\n';
        text += '\n';
        if (request.strategy == "guided") text += request.plan;
        return text;
    }

    // Writes a request (that fits) into the channel and tells the program.
    void post_request(const std::string& text, bool spin) {
        memcpy(channel_->data(), text.data(), text.size());
        channel_->request_bytes = static_cast<uint32_t>(text.size());
        channel_->no_spinning.store(spin ? 0 : 1);
        channel_->state.store(protocol::ServerChannel::kRequest);
        if (channel_->program_sleeps.load())
            syscall(SYS_futex, &channel_->state, FUTEX_WAKE, 1, nullptr, nullptr, 0);
    }

    // The caller asked for another execution than the one posted: that one runs to its end
    // all the same (it may have begun), unused.
    void finish_queued() {
        Waiting waiting{queued_->time_limit_ms, queued_->output_limit, queued_->spin};
        auto started = queued_->posted;
        output_limit_ = queued_->output_limit;
        record_trace_ = queued_->record_trace;
        queued_.reset();
        ExecutionOutcome unused;
        if (wait_for_reply(waiting, unused, started)) read_reply(unused, nullptr);
    }

    // How to wait for an execution's reply.
    struct Waiting {
        uint64_t time_limit_ms;  // the program's own (0: none); the parent allows a grace period
        size_t output_limit;
        bool spin;
    };

    // Waits until the program replies. Returns false if the process ended first (its status
    // then in outcome).
    bool wait_for_reply(const Waiting& waiting, ExecutionOutcome& outcome,
                        std::chrono::steady_clock::time_point started) {
        auto replied = [&] {
            return channel_->state.load(std::memory_order_acquire) == protocol::ServerChannel::kReply;
        };
        if (waiting.spin && spinner_.wait(replied)) return true;
        channel_->parent_sleeps.store(1);
        bool ok = wait_for_record(nullptr, waiting, outcome, started, replied);
        if (ok) channel_->parent_sleeps.store(0);  // else the process and the channel are gone
        return ok;
    }

    // Reads the process's records and output until the record `until` ("ready"), or until
    // `replied()`. Returns false if the process ended first (its status then in outcome).
    template <class Replied = bool (*)()>
    bool wait_for_record(const char* until, const Waiting& waiting, ExecutionOutcome& outcome,
                         std::chrono::steady_clock::time_point started, Replied replied = [] { return false; }) {
        uint64_t deadline_ms = waiting.time_limit_ms ? waiting.time_limit_ms + kGraceMs : 0;
        pollfd fds[5] = {{report_, POLLIN, 0}, {out_, POLLIN, 0}, {err_, POLLIN, 0}, {pidfd_, POLLIN, 0},
                         {wake_, POLLIN, 0}};
        std::string* sinks[3] = {&pending_, &outcome.output, &outcome.errors};
        size_t limits[3] = {size_t{64} << 20, waiting.output_limit, waiting.output_limit};
        for (;;) {
            if (until && take_records(outcome, until)) return true;
            if (replied()) return true;
            auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - started).count();
            if (deadline_ms && static_cast<uint64_t>(elapsed) > deadline_ms) {
                outcome.killed_by_parent = true;
                kill(-pid_, SIGKILL);
                kill(pid_, SIGKILL);
            }
            int ready = poll(fds, 5, 50);
            if (ready < 0 && errno != EINTR) return ended(outcome), false;
            if (fds[4].revents & POLLIN) {
                uint64_t count;
                ssize_t ignored = read(wake_, &count, sizeof count);
                (void)ignored;
            }
            bool more = false;
            for (int i = 0; i < 3; ++i)
                if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) more |= drain(fds[i].fd, *sinks[i], limits[i]);
            if (!more && (fds[3].revents & POLLIN) && !replied()) return ended(outcome), false;
        }
    }

    // Moves the whole record lines of pending_ to outcome; true when one was `until` (kept
    // in `last`, not in outcome) or "unresettable", which ends the move.
    bool take_records(ExecutionOutcome& outcome, const char* until, nlohmann::json* last = nullptr) {
        size_t start = 0;
        for (size_t end; (end = pending_.find('\n', start)) != std::string::npos; start = end + 1) {
            nlohmann::json record = nlohmann::json::parse(pending_.begin() + static_cast<long>(start),
                                                          pending_.begin() + static_cast<long>(end),
                                                          nullptr, /*allow_exceptions=*/false);
            if (!record.is_object()) continue;
            std::string kind = record.value("rec", "");
            bool ends = kind == until || kind == "unresettable";
            if (kind != until) outcome.records.push_back(std::move(record));
            else if (last) *last = std::move(record);
            if (ends) {
                pending_.erase(0, end + 1);
                return true;
            }
        }
        pending_.erase(0, start);
        return false;
    }

    // The program replied: what it sent and printed before is in the pipes already. Once the
    // reply is read, `then` (if not null) is posted: the program runs it while the caller
    // works on this one's outcome.
    void read_reply(ExecutionOutcome& outcome, const RunRequest* then) {
        drain_available(outcome);
        take_records(outcome, "");
        const char* records = channel_->data() + channel_->trace_bytes;
        pending_.append(records, channel_->records_bytes);
        nlohmann::json exit = nlohmann::json::object();
        take_records(outcome, "exit", &exit);
        pending_.clear();
        // An abort ends the execution as if the process had died of it (runtime/server.h).
        if (int signal = exit.value("signal", 0)) outcome.signal = signal;
        else set_exit_status(outcome, exit.value("status", 0));
        if (record_trace_) {
            if (!channel_->trace_in_file) {
                outcome.trace.assign(channel_->data(), channel_->trace_bytes);
            } else {
                // The file is reused, never cut: the trace is its first "trace" bytes.
                outcome.trace.resize(exit.value("trace", size_t{0}));
                size_t got = 0;
                for (ssize_t n; got < outcome.trace.size(); got += static_cast<size_t>(n)) {
                    n = pread(trace_, outcome.trace.data() + got, outcome.trace.size() - got,
                              static_cast<off_t>(got));
                    if (n < 0 && errno == EINTR) n = 0;
                    else if (n <= 0) break;
                }
                outcome.trace.resize(got);
            }
        }
        if (exit.contains("unresettable")) {
            // It ends for real now, with the same status; whatever it started goes too.
            int status = 0;
            waitpid(pid_, &status, 0);
            kill(-pid_, SIGKILL);
            end();
            return;
        }
        if (!then) return;
        const uint64_t time_limit_ms = time_limit_from_now(*then);
        std::string text = request_text(*then, time_limit_ms);
        if (text.size() > protocol::ServerChannel::kCapacity) return;
        post_request(text, then->spin);
        queued_ = Queued{request_text(*then, 0), time_limit_ms, then->output_limit, then->record_trace, then->spin,
                         std::chrono::steady_clock::now()};
    }

    // Reads what the (non-blocking) pipes hold now: one poll tells which (most executions
    // print nothing), rather than a read of each.
    void drain_available(ExecutionOutcome& outcome) {
        pollfd fds[3] = {{report_, POLLIN, 0}, {out_, POLLIN, 0}, {err_, POLLIN, 0}};
        std::string* sinks[3] = {&pending_, &outcome.output, &outcome.errors};
        size_t limits[3] = {size_t{64} << 20, output_limit_, output_limit_};
        if (poll(fds, 3, 0) <= 0) return;
        char buffer[65536];
        for (int i = 0; i < 3; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            std::string& sink = *sinks[i];
            for (ssize_t n; (n = read(fds[i].fd, buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR);) {
                size_t room = sink.size() < limits[i] ? limits[i] - sink.size() : 0;
                if (n > 0) sink.append(buffer, std::min<size_t>(room, static_cast<size_t>(n)));
            }
        }
    }

    // The process ended during an execution (a crash, the watchdog, a kill): read what is
    // left, then its status, as for a process of one execution.
    void ended(ExecutionOutcome& outcome) {
        for (int i = 0; i < 50; ++i) {
            pollfd fds[3] = {{report_, POLLIN, 0}, {out_, POLLIN, 0}, {err_, POLLIN, 0}};
            if (poll(fds, 3, 4) <= 0) break;
            bool open = false;
            open |= (fds[0].revents && drain(report_, pending_, size_t{64} << 20));
            open |= (fds[1].revents && drain(out_, outcome.output, output_limit_));
            open |= (fds[2].revents && drain(err_, outcome.errors, output_limit_));
            if (!open) break;
        }
        parse_records(pending_, outcome.records);
        // A crash writes its trace (cut to size) after its "schedule" record; without that
        // record, what the file holds is an earlier execution's.
        if (record_trace_ && outcome.find_record("schedule")) outcome.trace = read_file_from_start(trace_);
        int status = 0;
        if (waitpid(pid_, &status, 0) == pid_) set_status(outcome, status);
        kill(-pid_, SIGKILL);
        end();
    }

    void end() {
        for (int* fd : {&report_, &out_, &err_, &pidfd_, &trace_, &wake_}) close_fd(*fd);
        if (channel_) munmap(channel_, protocol::ServerChannel::mapping_bytes());
        channel_ = nullptr;
        pending_.clear();
        prefix_.clear();
        queued_.reset();
        if (pid_ >= 0) forget_child(pid_);
        pid_ = -1;
        kill_orphans();
    }

    pid_t pid_ = -1;
    std::string key_;
    int report_ = -1, out_ = -1, err_ = -1, pidfd_ = -1, trace_ = -1, wake_ = -1;
    protocol::ServerChannel* channel_ = nullptr;  // shared with the process
    protocol::Spinner spinner_;
    std::string pending_;                 // report bytes not yet a whole line
    std::vector<nlohmann::json> prefix_;  // "start" and "module" records, sent before main
    std::set<std::string> refused_;       // programs that cannot serve
    size_t output_limit_ = 0;
    bool record_trace_ = false;  // the execution being run records its trace
    // The request posted with the last reply's collection, which the program runs now.
    struct Queued {
        std::string identity;    // request_text without a time limit
        uint64_t time_limit_ms;  // the one it was given
        size_t output_limit;
        bool record_trace;
        bool spin;
        std::chrono::steady_clock::time_point posted;  // when it began
    };
    std::optional<Queued> queued_;
};

ReusedProcess& reused_process() {
    thread_local ReusedProcess process;  // one per runner thread (`--jobs`)
    return process;
}

}  // namespace

void stop_reused_process() { reused_process().stop(); }

const nlohmann::json* ExecutionOutcome::find_record(const char* kind) const {
    for (const nlohmann::json& record : records)
        if (record.value("rec", "") == kind) return &record;
    return nullptr;
}

void become_subreaper() { prctl(PR_SET_CHILD_SUBREAPER, 1); }

bool run_execution(const RunRequest& request, ExecutionOutcome& outcome, std::string& error,
                   const RunRequest* then) {
    if (request.reuse_process) {
        if (reused_process().run(request, then, outcome)) return true;
        outcome = ExecutionOutcome{};
    }
    outcome.new_process = true;
    auto started = std::chrono::steady_clock::now();
    const uint64_t time_limit_ms = outcome.time_limit_ms = time_limit_from_now(request);
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
    ChildSetup setup(request, plan_fd >= 0, trace_fd >= 0, time_limit_ms);
    int input = open_input(request);
    if (input < 0) {
        error = "cannot read the program's input " + request.input + ": " + strerror(errno);
        return false;
    }
    // vfork: baton links LLVM, and copying its page tables for every execution (fork) costs
    // more than many executions themselves.
    pid_t pid = start_child([&] { exec_child(setup, report, out, err, input, plan_fd, trace_fd); });
    close_fd(input);
    if (pid < 0) {
        error = std::string("cannot start the program: ") + strerror(errno);
        return false;
    }
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
    uint64_t deadline_ms = time_limit_ms ? time_limit_ms + kGraceMs : 0;
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
    forget_child(pid);
    kill_orphans();

    parse_records(report_text, outcome.records);
    outcome.trace = read_file_from_start(trace_fd);
    close_fd(trace_fd);
    set_status(outcome, status);
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return true;
}

}  // namespace baton::scheduler
