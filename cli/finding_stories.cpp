#include "cli/finding_stories.h"

#include <algorithm>

#include "report/story.h"
#include "scheduler/lost_update.h"
#include "scheduler/schedule.h"
#include "scheduler/trace.h"

namespace baton::cli {
namespace {

// A hang's execution ran for the whole time limit. Its story is told from the same schedule
// run for at most a second and kHangSteps steps: a loop that never ends shows in its first
// turns as well as in its last, and a trace that long is still cheap to read.
constexpr uint64_t kHangReplayMs = 1000;
constexpr uint64_t kHangSteps = 200'000;

// Runs `schedule` again with its trace recorded (a hang for a short while only).
bool trace_schedule(const scheduler::RunRequest& base, const std::string& schedule,
                    const std::vector<uint64_t>& preempt_on, bool hang, scheduler::ExecutionOutcome& outcome,
                    scheduler::Trace& trace) {
    std::vector<scheduler::Choice> choices;
    std::string error;
    if (!scheduler::parse_choices(schedule, choices, error)) return false;
    scheduler::RunRequest request = base;
    request.strategy = "guided";
    request.preempt_on = preempt_on;
    request.record_trace = true;
    if (hang) {
        if (choices.size() > kHangSteps) choices.resize(kHangSteps);
        request.max_steps = request.max_steps ? std::min<uint64_t>(request.max_steps, kHangSteps) : kHangSteps;
        request.time_limit_ms = request.time_limit_ms ? std::min(request.time_limit_ms, kHangReplayMs) : kHangReplayMs;
    }
    request.plan = scheduler::format_plan({choices, {}});
    request.trace_limit = hang ? kHangSteps + 1 : choices.size() + 10'000;
    if (!scheduler::run_execution(request, outcome, error) || outcome.killed_by_parent ||
        outcome.find_record("diverged"))
        return false;
    return scheduler::parse_trace(outcome.trace, trace, error);
}

}  // namespace

report::TraceNames trace_names(report::Symbolizer& symbolizer, report::RuntimeFindings& converter) {
    return {[&converter](uint64_t address) {
                std::string name = converter.object_name(address);
                if (name.size() > 1 && name.front() == '\'' && name.back() == '\'') return name.substr(1, name.size() - 2);
                return name.rfind("at ", 0) == 0 ? name.substr(3) : name;
            },
            [&symbolizer](uint64_t pc) { return symbolizer.frame(pc).location; }};
}

void tell_stories(const scheduler::RunRequest& base, std::vector<report::Finding>& findings,
                  std::vector<scheduler::ExecutionReport>& shown_by, const std::vector<nlohmann::json>& records,
                  report::Symbolizer& symbolizer, report::RuntimeFindings& converter) {
    // Each story costs an execution or three: the first findings are the ones read.
    constexpr size_t kToldFindings = 8;
    report::TraceNames names = trace_names(symbolizer, converter);
    for (size_t i = 0; i < findings.size() && i < kToldFindings; ++i) {
        const nlohmann::json& record = records[i];
        if (!record.is_object() || shown_by[i].schedule.empty()) continue;
        bool hang = record.value("kind", "") == "nontermination";
        scheduler::ExecutionOutcome outcome;
        scheduler::Trace trace;
        bool traced = false;
        if (record.value("kind", "") == "data-race") {
            scheduler::LostUpdateExecution lost;
            if (scheduler::find_lost_update(base, record.value("address", uint64_t{0}), shown_by[i].preempt_on, lost)) {
                shown_by[i].schedule = lost.schedule;
                shown_by[i].preempt_on = lost.preempt_on;
                outcome = std::move(lost.outcome);
                trace = std::move(lost.trace);
                traced = true;
            }
        }
        if (!traced) traced = trace_schedule(base, shown_by[i].schedule, shown_by[i].preempt_on, hang, outcome, trace);
        if (!traced) continue;
        converter.convert(outcome.records);  // the symbolizer learns where the modules are
        report::Story story = report::tell_story(record, trace, names);
        if (!story.steps.empty()) findings[i].steps = std::move(story.steps);
        findings[i].story = std::move(story.summary);
    }
}

}  // namespace baton::cli
