// The engine behind `baton explore`: the state of an exploration is a prefix of scheduling
// choices. To show a state, the program runs again from the start along the prefix and stops
// at the scheduling point right after it (the guided strategy with a PlanEnd); its trace gives
// every step so far, and each unfinished thread's next operation and whether it can run.
// Executions are deterministic, so going back is running a shorter prefix.
//
// Plain accesses to locations found racy are scheduling points (as in `baton check`), so a
// user can stop a thread between the load and the store of `mails++`. The session starts
// with one full run to find them; when a later run finds more, the current prefix is carried
// over to the new scheduling points (the accesses it did not count go to the thread that
// reached them, as they did when it was recorded).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/trace_text.h"
#include "report/finding.h"
#include "report/runtime_findings.h"
#include "report/symbolizer.h"
#include "scheduler/execution_runner.h"
#include "scheduler/schedule.h"
#include "scheduler/trace.h"

namespace baton::cli {

struct ExploreProgram {
    std::string path;        // as the user named it (source or binary): schedules name it
    std::string executable;  // the instrumented binary that runs
    std::vector<std::string> arguments;
    double time_limit_seconds = 30;  // per execution
    bool preempt_all = false;        // every shared access is a scheduling point (--preempt all)
    std::string input;               // standard input's file, from the schedule ("": /dev/null)
};

// One state: the steps taken, and how the execution that reached it stopped.
struct ExploreState {
    scheduler::Trace trace;  // trace.steps: the prefix; trace.pending: the threads' next steps
    scheduler::ExecutionOutcome outcome;
    bool ended = false;  // the program ended (or a finding ended it): no step can follow
    std::vector<report::Finding> findings;  // what this execution showed

    std::vector<scheduler::Choice> choices() const { return trace.choices(); }
    size_t steps() const { return trace.steps.size(); }
    const scheduler::PendingOperation* pending(scheduler::ThreadId thread) const;
};

class ExploreSession {
public:
    explicit ExploreSession(ExploreProgram program);

    // The first run, to the end, non-preemptively: its races become scheduling points. Then
    // the state after `choices` (recorded with `recorded_preempt_on` as scheduling points).
    bool start(const std::vector<scheduler::Choice>& choices,
               const std::vector<uint64_t>& recorded_preempt_on, std::string& error);

    // Runs the program along `choices`, then `end`, and makes where it stopped the current
    // state. False (with `error`, one sentence) if the program could not run or the choices
    // do not fit it; the current state is then unchanged.
    bool go(const std::vector<scheduler::Choice>& choices, scheduler::PlanEnd end, std::string& error);
    // Replaces the scheduling points with `preempt_on` and goes to the state after `choices`,
    // recorded with `recorded_preempt_on`.
    bool go_recorded(const std::vector<scheduler::Choice>& choices,
                     const std::vector<uint64_t>& recorded_preempt_on, std::string& error);

    const ExploreState& state() const { return state_; }
    const ExploreProgram& program() const { return program_; }
    const std::vector<uint64_t>& preempt_on() const { return preempt_on_; }
    // Every distinct finding any execution of the session showed, in the order found.
    const std::vector<report::Finding>& findings_so_far() const { return findings_so_far_; }

    report::Symbolizer& symbolizer() { return symbolizer_; }
    report::RuntimeFindings& names() { return names_; }
    TargetNames& targets() { return targets_; }
    // The source location of a program counter (cached: a `run` can take many steps).
    const report::SourceLocation& location(uint64_t pc);
    // What changed beyond the state asked for ("'mails' is racy: ..."), once each.
    std::vector<std::string> take_notes();

private:
    bool run(const std::vector<scheduler::Choice>& choices, std::optional<scheduler::PlanEnd> end,
             const std::vector<uint64_t>& unplanned, ExploreState& state, std::string& error);
    void learn();

    ExploreProgram program_;
    std::vector<uint64_t> preempt_on_;  // sorted racy granules
    ExploreState state_;
    std::vector<report::Finding> findings_so_far_;
    std::vector<std::string> finding_keys_;
    std::map<uint64_t, report::SourceLocation> locations_;
    std::vector<std::string> notes_;
    report::Symbolizer symbolizer_;
    report::RuntimeFindings names_{symbolizer_};
    TargetNames targets_{names_};
};

}  // namespace baton::cli
