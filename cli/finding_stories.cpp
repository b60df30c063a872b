#include "cli/finding_stories.h"

#include "report/story.h"
#include "scheduler/lost_update.h"
#include "scheduler/schedule.h"
#include "scheduler/trace.h"

namespace baton::cli {
namespace {

// Runs `schedule` again with its trace recorded.
bool trace_schedule(const scheduler::RunRequest& base, const std::string& schedule,
                    const std::vector<uint64_t>& preempt_on, scheduler::ExecutionOutcome& outcome,
                    scheduler::Trace& trace) {
    std::vector<scheduler::Choice> choices;
    std::string error;
    if (!scheduler::parse_choices(schedule, choices, error)) return false;
    scheduler::RunRequest request = base;
    request.strategy = "guided";
    request.plan = scheduler::format_plan({choices, {}});
    request.preempt_on = preempt_on;
    request.record_trace = true;
    request.trace_limit = choices.size() + 10'000;
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
        // A hang's execution ran for the whole time limit: telling it would cost as much again.
        if (!record.is_object() || shown_by[i].schedule.empty() || record.value("kind", "") == "nontermination") continue;
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
        if (!traced) traced = trace_schedule(base, shown_by[i].schedule, shown_by[i].preempt_on, outcome, trace);
        if (!traced) continue;
        converter.convert(outcome.records);  // the symbolizer learns where the modules are
        report::Story story = report::tell_story(record, trace, names);
        if (!story.steps.empty()) findings[i].steps = std::move(story.steps);
        findings[i].story = std::move(story.summary);
    }
}

}  // namespace baton::cli
