// A child process that cannot hurt its siblings: it runs in its own process group (so one
// kill ends it and everything it started that stayed in the group), with a cap on its
// address space, no core dumps, a cap on the size of files it writes, and standard input
// from /dev/null. Its standard output and error are read through pipes into bounded buffers.
//
// The owner drives it from one poll loop shared by many processes: it asks for the
// descriptors to watch, hands back what poll found ready, and tells the process when
// waitpid reaped it. Nothing here blocks, and nothing here uses threads (the grader forks
// from a single-threaded process, so the child may call anything before exec).
#pragma once

#include <poll.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace baton::cli {

struct ProcessLimits {
    uint64_t address_space_bytes = 0;     // RLIMIT_AS; 0: unlimited
    uint64_t file_size_bytes = 0;         // RLIMIT_FSIZE; 0: unlimited
    size_t output_bytes = size_t{16} << 20;  // stdout kept; beyond it the process is killed
    size_t error_bytes = size_t{64} << 10;   // stderr kept; the rest is read and dropped
};

class LimitedProcess {
public:
    LimitedProcess() = default;
    LimitedProcess(const LimitedProcess&) = delete;
    LimitedProcess& operator=(const LimitedProcess&) = delete;
    ~LimitedProcess();

    // Returns false (and an error) if the process could not be started. `environment`
    // holds NAME=VALUE settings added to (or replacing) this process's own.
    bool start(const std::vector<std::string>& command, const ProcessLimits& limits,
               std::string& error, const std::vector<std::string>& environment = {});

    // The pipes still open, for poll.
    void watch(std::vector<pollfd>& fds) const;
    // Reads what `ready` says is readable, if it is one of ours.
    void on_ready(const pollfd& ready);
    // waitpid reaped this process with `status`. Kills what is left of its group: anything
    // still holding the pipes would otherwise keep the process looking alive.
    void on_exit(int status);
    // Kills the whole process group (the process itself too, if it still runs).
    void kill_group();
    // Drives this process alone until it has ended: for a short helper run while no other
    // child is running (it reaps only its own process).
    void wait_until_finished();

    // Ended and its output read (or no longer worth waiting for).
    bool finished() const;

    pid_t pid() const { return pid_; }
    bool running() const { return pid_ > 0 && !reaped_; }  // started and not yet reaped
    bool exited() const { return reaped_ && exit_code_ >= 0; }
    int exit_code() const { return exit_code_; }      // -1: did not exit normally
    int signal() const { return signal_; }            // 0: not killed by a signal
    bool output_overflowed() const { return output_overflowed_; }
    const std::string& output() const { return output_; }
    const std::string& errors() const { return errors_; }

private:
    void close_pipe(int& fd);

    pid_t pid_ = -1;
    int output_fd_ = -1;
    int error_fd_ = -1;
    ProcessLimits limits_;
    std::string output_;
    std::string errors_;
    bool output_overflowed_ = false;
    bool reaped_ = false;
    int64_t reaped_at_ms_ = 0;
    int exit_code_ = -1;
    int signal_ = 0;
};

// Makes this process the reaper of every orphan its descendants leave (PR_SET_CHILD_SUBREAPER)
// so that a program escaping its process group (setsid, double fork) still ends up ours.
void adopt_orphans();

// Kills and reaps every child of this process that is not in `ours` (the processes the
// caller started and still waits for): those are orphans adopted from ended descendants.
// Returns how many it killed.
int kill_adopted_orphans(const std::vector<pid_t>& ours);

// Milliseconds on a monotonic clock.
int64_t monotonic_ms();

}  // namespace baton::cli
