#include "scheduler/lost_update.h"

#include <algorithm>

#include "scheduler/schedule.h"

namespace baton::scheduler {
namespace {

bool on(const TraceStep& step, uint64_t granule) {
    return (step.op.object & ~uint64_t{7}) == granule &&
           (step.op.kind == OpKind::PlainRead || step.op.kind == OpKind::PlainWrite);
}

// Runs `follow`, then non-preemptively, for `steps` steps at most: the search and the story
// need no more, and a program that loops a million times over the racy location would
// otherwise run a million scheduling points per attempt.
bool run_traced(const RunRequest& base, const std::vector<Choice>& follow, const std::vector<uint64_t>& preempt_on,
                uint64_t steps, ExecutionOutcome& outcome, Trace& trace) {
    RunRequest request = base;
    request.strategy = "guided";
    request.plan = format_plan({follow, {}});
    request.preempt_on = preempt_on;
    request.record_trace = true;
    request.trace_limit = steps;
    request.max_steps = steps;
    outcome = ExecutionOutcome{};
    std::string error;
    if (!run_execution(request, outcome, error) || outcome.killed_by_parent || outcome.find_record("diverged"))
        return false;
    return parse_trace(outcome.trace, trace, error);
}

}  // namespace

bool find_lost_update(const RunRequest& base, uint64_t address, const std::vector<uint64_t>& preempt_on,
                      LostUpdateExecution& found, uint32_t other_writes) {
    uint64_t granule = address & ~uint64_t{7};
    found.preempt_on = preempt_on;
    if (std::find(found.preempt_on.begin(), found.preempt_on.end(), granule) == found.preempt_on.end()) {
        found.preempt_on.push_back(granule);
        std::sort(found.preempt_on.begin(), found.preempt_on.end());
    }
    constexpr uint64_t kLookahead = 20'000;  // steps searched for the first read-then-write
    ExecutionOutcome outcome;
    Trace trace;
    if (!run_traced(base, {}, found.preempt_on, kLookahead, outcome, trace)) return false;
    // Preempt a thread at the scheduling point of a write to the location -- it has already
    // loaded what it is about to store (ThreadSanitizer does not instrument a load that the
    // store covers, so the load itself is no scheduling point) -- once the location has a value
    // the story can name, where another thread can run instead.
    std::vector<Choice> prefix;
    ThreadId writer = 0, other = 0;
    bool chosen = false, known_value = false;
    for (size_t i = 0; i < trace.steps.size() && !chosen; ++i) {
        const TraceStep& step = trace.steps[i];
        if (!on(step, granule)) continue;
        if (step.op.kind == OpKind::PlainWrite && known_value) {
            for (const Option& option : step.options) {
                if (option.thread == step.choice.thread || option.kind != Option::Kind::Run) continue;
                if (!chosen || option.op.object == granule) other = option.thread;  // prefer one about to touch it
                chosen = true;
            }
            if (chosen) {
                for (size_t k = 0; k < i; ++k) prefix.push_back(trace.steps[k].choice);
                writer = step.choice.thread;
            }
        }
        known_value |= step.value.has_value();
    }
    if (!chosen) return false;
    // Let the other thread run alone until it has written the location `other_writes` times.
    std::vector<Choice> follow = prefix;
    follow.push_back({other, Option::Kind::Run});
    if (!run_traced(base, follow, found.preempt_on, follow.size() + 4 * other_writes + 100, outcome, trace))
        return false;
    uint32_t writes = 0;
    for (size_t k = follow.size(); k < trace.steps.size() && writes < other_writes; ++k) {
        const TraceStep& step = trace.steps[k];
        if (step.choice.thread != other) break;
        follow.push_back(step.choice);
        if (on(step, granule) && step.op.kind == OpKind::PlainWrite) ++writes;
    }
    if (trace.steps.size() > prefix.size() && trace.steps[prefix.size()].op.kind == OpKind::PlainWrite &&
        on(trace.steps[prefix.size()], granule))
        ++writes;  // the step that preempted the writer was already a write
    if (writes == 0) return false;
    follow.push_back({writer, Option::Kind::Run});  // the stale write
    if (!run_traced(base, follow, found.preempt_on, follow.size() + 100, found.outcome, found.trace)) return false;
    // The execution was cut short; its plan replays it, and `baton replay` lets it run on.
    found.schedule = format_choices(follow);
    return found.trace.steps.size() >= follow.size();
}

}  // namespace baton::scheduler
