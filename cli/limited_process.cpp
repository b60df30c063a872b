#include "cli/limited_process.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace baton::cli {
namespace {

// After the process has ended, how long its pipes may stay open (held by something it
// left behind that the group kill could not reach) before we stop reading.
constexpr int64_t kOutputGraceMs = 200;

void set_limit(int resource, uint64_t bytes) {
    if (bytes == 0) return;
    rlimit limit{bytes, bytes};
    setrlimit(resource, &limit);
}

[[noreturn]] void exec_child(const std::vector<std::string>& command, const ProcessLimits& limits,
                             const std::vector<std::string>& environment, int output_fd,
                             int error_fd) {
    for (const std::string& setting : environment) putenv(const_cast<char*>(setting.c_str()));
    setpgid(0, 0);
    // If the grader dies, its direct children go too; they take their own groups with them.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    set_limit(RLIMIT_AS, limits.address_space_bytes);
    set_limit(RLIMIT_FSIZE, limits.file_size_bytes);
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, STDIN_FILENO);
    dup2(output_fd, STDOUT_FILENO);
    dup2(error_fd, STDERR_FILENO);
    // Nothing else of ours (such as the pipes our own caller reads) may reach the child: a
    // process it leaves behind holding them would keep that caller waiting for ever.
    if (close_range(3, ~0U, 0) != 0)
        for (long fd = 3, open_max = sysconf(_SC_OPEN_MAX); fd < open_max; ++fd) close(fd);
    std::vector<char*> argv;
    for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

// The parent of `pid` as /proc/PID/stat says (0 if it cannot tell).
pid_t parent_of(const char* pid) {
    std::ifstream stat(std::string("/proc/") + pid + "/stat");
    std::string line;
    std::getline(stat, line);
    // The command name (field 2) may hold spaces and parentheses: parse after the last ')'.
    size_t close_paren = line.rfind(')');
    if (close_paren == std::string::npos) return 0;
    char state = 0;
    int parent = 0;
    if (sscanf(line.c_str() + close_paren + 1, " %c %d", &state, &parent) != 2) return 0;
    return parent;
}

}  // namespace

int64_t monotonic_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

LimitedProcess::~LimitedProcess() {
    close_pipe(output_fd_);
    close_pipe(error_fd_);
}

bool LimitedProcess::start(const std::vector<std::string>& command, const ProcessLimits& limits,
                           std::string& error, const std::vector<std::string>& environment) {
    limits_ = limits;
    int output[2], errors[2];
    if (pipe2(output, O_CLOEXEC) != 0) {
        error = std::string("cannot create a pipe: ") + strerror(errno);
        return false;
    }
    if (pipe2(errors, O_CLOEXEC) != 0) {
        error = std::string("cannot create a pipe: ") + strerror(errno);
        close(output[0]);
        close(output[1]);
        return false;
    }
    pid_ = fork();
    if (pid_ < 0) {
        error = std::string("cannot fork: ") + strerror(errno);
        for (int fd : {output[0], output[1], errors[0], errors[1]}) close(fd);
        return false;
    }
    if (pid_ == 0) exec_child(command, limits, environment, output[1], errors[1]);
    setpgid(pid_, pid_);  // also here, so a kill right after fork already reaches the group
    close(output[1]);
    close(errors[1]);
    output_fd_ = output[0];
    error_fd_ = errors[0];
    return true;
}

void LimitedProcess::watch(std::vector<pollfd>& fds) const {
    for (int fd : {output_fd_, error_fd_})
        if (fd >= 0) fds.push_back({fd, POLLIN, 0});
}

void LimitedProcess::on_ready(const pollfd& ready) {
    if (ready.fd < 0 || !(ready.revents & (POLLIN | POLLHUP | POLLERR))) return;
    bool is_output = ready.fd == output_fd_;
    if (!is_output && ready.fd != error_fd_) return;
    char buffer[65536];
    ssize_t n = read(ready.fd, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) {
        close_pipe(is_output ? output_fd_ : error_fd_);
        return;
    }
    std::string& sink = is_output ? output_ : errors_;
    size_t limit = is_output ? limits_.output_bytes : limits_.error_bytes;
    size_t room = sink.size() < limit ? limit - sink.size() : 0;
    sink.append(buffer, std::min(room, static_cast<size_t>(n)));
    // A report cut short is worthless, and whatever floods it is not worth waiting for.
    if (is_output && static_cast<size_t>(n) > room) {
        output_overflowed_ = true;
        kill_group();
        close_pipe(output_fd_);
    }
}

void LimitedProcess::on_exit(int status) {
    reaped_ = true;
    reaped_at_ms_ = monotonic_ms();
    if (WIFEXITED(status)) exit_code_ = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) signal_ = WTERMSIG(status);
    kill(-pid_, SIGKILL);
}

void LimitedProcess::kill_group() {
    if (pid_ <= 0) return;
    kill(-pid_, SIGKILL);
    if (!reaped_) kill(pid_, SIGKILL);  // in case it had not yet made its own group
}

void LimitedProcess::wait_until_finished() {
    while (output_fd_ >= 0 || error_fd_ >= 0) {
        std::vector<pollfd> fds;
        watch(fds);
        if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) break;
        for (const pollfd& ready : fds) on_ready(ready);
    }
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {}
    on_exit(status);
}

bool LimitedProcess::finished() const {
    if (!reaped_) return false;
    bool drained = output_fd_ < 0 && error_fd_ < 0;
    return drained || monotonic_ms() - reaped_at_ms_ > kOutputGraceMs;
}

void LimitedProcess::close_pipe(int& fd) {
    if (fd >= 0) close(fd);
    fd = -1;
}

void adopt_orphans() { prctl(PR_SET_CHILD_SUBREAPER, 1); }

int kill_adopted_orphans(const std::vector<pid_t>& ours) {
    DIR* proc = opendir("/proc");
    if (!proc) return 0;
    pid_t self = getpid();
    int killed = 0;
    while (dirent* entry = readdir(proc)) {
        pid_t pid = atoi(entry->d_name);
        if (pid <= 0 || parent_of(entry->d_name) != self) continue;
        bool tracked = false;
        for (pid_t child : ours) tracked |= child == pid;
        if (tracked) continue;
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        ++killed;
    }
    closedir(proc);
    return killed;
}

}  // namespace baton::cli
