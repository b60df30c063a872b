// Runs one execution of an instrumented program in a child process and collects what it
// reported (scheduler/protocol.h), what it printed, and how it ended. The child runs in its
// own process group with core dumps off and address-space randomization off (so an execution
// is the same every time); when it ends or overruns its time, everything it started is killed.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace baton::scheduler {

struct RunRequest {
    std::string program;
    std::vector<std::string> arguments;
    std::string input;  // the file every execution reads as standard input ("": /dev/null)
    std::string strategy = "default";  // the program-side strategy (scheduler/strategy.h)
    uint64_t seed = 0;
    std::string plan;                  // "guided": the plan to follow (scheduler/schedule.h)
    std::string plan_end;              // "guided": where to stop after it (PlanEnd's text)
    std::vector<uint64_t> unplanned;   // "guided": preemption points the plan does not count
    uint32_t pct_depth = 3;            // "pct"
    uint64_t pct_steps = 1000;         // "pct"
    std::vector<uint64_t> preempt_on;  // racy locations whose plain accesses are scheduling points
    bool preempt_all = false;          // every shared plain access is one (protocol.h)
    bool record_trace = false;         // have the execution write its trace
    uint64_t trace_limit = 1'000'000;  // steps recorded at most
    uint64_t max_steps = 0;      // 0: the runtime's default
    uint64_t time_limit_ms = 0;  // watchdog inside the child; the parent allows a grace period
    // If set, the time limit is what is left until then when the execution begins (at least
    // 100 ms) instead: an execution that waited behind another (`then` of run_execution) must
    // not run past the end of the search's budget.
    std::chrono::steady_clock::time_point deadline{};
    size_t output_limit = 1 << 20;  // bytes of stdout and of stderr kept
    // May run in a process that already ran executions of the same program and reset itself
    // in place (runtime/server.h): the same outcome, a hundred times faster. Falls back to a
    // new process whenever the program cannot be reset.
    bool reuse_process = false;
    // Whether baton and the program may spin while they wait for each other: not when more
    // programs run at once than there are cores to spare (`--jobs`).
    bool spin = true;
};

struct ExecutionOutcome {
    std::vector<nlohmann::json> records;  // from the report channel, in order
    bool exited = false;                  // exit status valid
    int exit_status = 0;
    int signal = 0;                       // killed by this signal (0: not)
    bool killed_by_parent = false;        // the child overran its time and was killed
    bool runtime_stopped = false;         // the runtime ended it after a finding
    bool runtime_error = false;           // baton's runtime could not run it
    bool new_process = false;             // it ran in a process started for it (not reset)
    std::string output;                   // stdout (up to output_limit)
    std::string errors;                   // stderr (up to output_limit)
    std::string trace;                    // the binary trace, if requested and written
    double seconds = 0;                   // from when it began
    uint64_t time_limit_ms = 0;           // the time limit it was given (0: none)

    // The first record of this kind ("end", "diverged", "finding", ...), or null.
    const nlohmann::json* find_record(const char* kind) const;
    // The "end" record, if the execution reached its end.
    const nlohmann::json* end_record() const { return find_record("end"); }
};

// Returns false (and an error message) only if the child could not be started at all.
// `then`: the request the caller runs next, if known. A process kept for reuse_process
// requests begins it the moment this execution's reply is read, so that the program runs
// while the caller works on this outcome (`--jobs`). Asking for another one next costs a
// wasted execution: the posted one runs to its end first, unused.
bool run_execution(const RunRequest& request, ExecutionOutcome& outcome, std::string& error,
                   const RunRequest* then = nullptr);

// Makes this process the reaper of orphans left by programs under test, so none survives.
void become_subreaper();

// Ends the process kept for reuse_process requests, if any.
void stop_reused_process();

}  // namespace baton::scheduler
