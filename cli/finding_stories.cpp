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

ExplanationTime::ExplanationTime(std::chrono::steady_clock::time_point search_began, double time_limit_seconds) {
    using Clock = std::chrono::steady_clock;
    // An absurd limit: no end (a day is as good as none here).
    double seconds = std::min(time_limit_seconds, 86'400.0);
    auto limit = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    auto past_the_search = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(std::clamp(seconds / 4, 2.0, 10.0)));
    until_ = std::max(search_began + limit, Clock::now() + past_the_search);
}

scheduler::RunRequest ExplanationTime::cut(scheduler::RunRequest request) const {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(until_ - std::chrono::steady_clock::now()).count();
    uint64_t ms = static_cast<uint64_t>(std::max<int64_t>(left, 1));
    request.time_limit_ms = request.time_limit_ms ? std::min(request.time_limit_ms, ms) : ms;
    return request;
}

report::TraceNames trace_names(report::Symbolizer& symbolizer, report::RuntimeFindings& converter) {
    return {[&converter](uint64_t address) {
                std::string name = converter.object_name(address);
                if (name.size() > 1 && name.front() == '\'' && name.back() == '\'') return name.substr(1, name.size() - 2);
                return name.rfind("at ", 0) == 0 ? name.substr(3) : name;
            },
            [&symbolizer](uint64_t pc) { return symbolizer.frame(pc).location; }};
}

void tell_story(const scheduler::RunRequest& limits, report::Finding& finding, scheduler::ExecutionReport& shown_by,
                const nlohmann::json& record, report::Symbolizer& symbolizer, report::RuntimeFindings& converter) {
    if (!record.is_object() || shown_by.schedule.empty()) return;
    bool hang = record.value("kind", "") == "nontermination";
    scheduler::ExecutionOutcome outcome;
    scheduler::Trace trace;
    bool traced = false;
    if (record.value("kind", "") == "data-race") {
        scheduler::LostUpdateExecution lost;
        if (scheduler::find_lost_update(limits, record.value("address", uint64_t{0}), shown_by.preempt_on, lost)) {
            shown_by.schedule = lost.schedule;
            shown_by.preempt_on = lost.preempt_on;
            outcome = std::move(lost.outcome);
            trace = std::move(lost.trace);
            traced = true;
        }
    }
    if (!traced) traced = trace_schedule(limits, shown_by.schedule, shown_by.preempt_on, hang, outcome, trace);
    if (!traced) return;
    converter.convert(outcome.records);  // the symbolizer learns where the modules are
    report::Story story = report::tell_story(record, trace, trace_names(symbolizer, converter));
    if (!story.steps.empty()) finding.steps = std::move(story.steps);
    finding.story = std::move(story.summary);
}

}  // namespace baton::cli
