#include "cli/explore_session.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include <fmt/format.h>

#include "scheduler/explorer.h"

namespace baton::cli {

namespace {

// Steps a run may take beyond those asked for: a prefix carried over to new scheduling
// points gains a step at every access to them. Longer than this, it is not carried over.
constexpr uint64_t kCarryOverSteps = 200'000;

std::vector<uint64_t> minus(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
    std::vector<uint64_t> result;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(result));
    return result;
}

}  // namespace

const scheduler::PendingOperation* ExploreState::pending(scheduler::ThreadId thread) const {
    for (const scheduler::PendingOperation& op : trace.pending)
        if (op.thread == thread) return &op;
    return nullptr;
}

ExploreSession::ExploreSession(ExploreProgram program) : program_(std::move(program)) {}

const report::SourceLocation& ExploreSession::location(uint64_t pc) {
    auto at = locations_.find(pc);
    if (at == locations_.end()) at = locations_.emplace(pc, symbolizer_.frame(pc).location).first;
    return at->second;
}

std::vector<std::string> ExploreSession::take_notes() { return std::exchange(notes_, {}); }

bool ExploreSession::start(const std::vector<scheduler::Choice>& choices,
                           const std::vector<uint64_t>& recorded_preempt_on, std::string& error) {
    scheduler::RunRequest request;
    request.program = program_.executable;
    request.arguments = program_.arguments;
    request.input = program_.input;
    request.preempt_all = program_.preempt_all;
    request.strategy = "guided";
    request.plan = scheduler::format_plan({});
    request.time_limit_ms = static_cast<uint64_t>(program_.time_limit_seconds * 1000);
    scheduler::ExecutionOutcome outcome;
    if (!scheduler::run_execution(request, outcome, error)) return false;
    scheduler::learn_racy_locations(outcome, preempt_on_);
    std::vector<report::KeyedFinding> found = names_.convert(outcome.records);
    targets_.learn(outcome.records);
    for (auto& [key, finding] : found) {
        finding_keys_.push_back(key);
        findings_so_far_.push_back(std::move(finding));
    }
    notes_.clear();
    return go_recorded(choices, recorded_preempt_on, error);
}

bool ExploreSession::go_recorded(const std::vector<scheduler::Choice>& choices,
                                 const std::vector<uint64_t>& recorded_preempt_on, std::string& error) {
    std::vector<uint64_t> recorded = recorded_preempt_on;
    std::sort(recorded.begin(), recorded.end());
    std::vector<uint64_t> wanted = recorded;
    for (uint64_t granule : preempt_on_)
        if (!std::binary_search(recorded.begin(), recorded.end(), granule)) wanted.push_back(granule);
    std::sort(wanted.begin(), wanted.end());
    std::vector<uint64_t> previous = preempt_on_;
    ExploreState next;
    preempt_on_ = wanted;
    if (!run(choices, scheduler::PlanEnd{}, minus(wanted, recorded), next, error)) {
        // Too long to carry over to the racy locations found since: keep the schedule's own.
        preempt_on_ = recorded;
        if (!run(choices, scheduler::PlanEnd{}, {}, next, error)) {
            preempt_on_ = previous;
            return false;
        }
        for (uint64_t granule : minus(wanted, recorded))
            notes_.push_back(fmt::format("{} is racy but not a scheduling point: the schedule is too long to "
                                         "carry over to it",
                                         targets_.granule_name(granule)));
    }
    state_ = std::move(next);
    learn();
    return true;
}

bool ExploreSession::go(const std::vector<scheduler::Choice>& choices, scheduler::PlanEnd end,
                        std::string& error) {
    ExploreState next;
    if (!run(choices, end, {}, next, error)) return false;
    state_ = std::move(next);
    learn();
    return true;
}

bool ExploreSession::run(const std::vector<scheduler::Choice>& choices,
                         std::optional<scheduler::PlanEnd> end, const std::vector<uint64_t>& unplanned,
                         ExploreState& state, std::string& error) {
    scheduler::RunRequest request;
    request.program = program_.executable;
    request.arguments = program_.arguments;
    request.input = program_.input;
    request.preempt_all = program_.preempt_all;
    request.strategy = "guided";
    request.plan = scheduler::format_plan({choices, {}});
    if (end) request.plan_end = scheduler::format_plan_end(*end);
    request.preempt_on = preempt_on_;
    request.unplanned = unplanned;
    request.record_trace = true;
    request.trace_limit = choices.size() + (end ? end->steps : 0) + 1 + (unplanned.empty() ? 0 : kCarryOverSteps);
    request.time_limit_ms = static_cast<uint64_t>(program_.time_limit_seconds * 1000);
    state = ExploreState{};
    if (!scheduler::run_execution(request, state.outcome, error)) return false;
    if (const nlohmann::json* diverged = state.outcome.find_record("diverged")) {
        uint64_t step = diverged->value("step", uint64_t{0});
        std::vector<scheduler::Choice> choice{step < choices.size() ? choices[step] : scheduler::Choice{}};
        error = fmt::format("the steps do not fit the program at step {}: thread {} cannot take it (a different "
                            "build, input or environment?)",
                            step + 1, scheduler::format_choices(choice));
        return false;
    }
    if (!scheduler::parse_trace(state.outcome.trace, state.trace, error)) {
        error = "the execution left no trace: " + error;
        return false;
    }
    if (state.trace.truncated) {
        error = "the execution takes more steps than baton explore follows";
        return false;
    }
    state.ended = !state.outcome.find_record("plan-ended");
    std::vector<report::KeyedFinding> found = names_.convert(state.outcome.records);
    targets_.learn(state.outcome.records);
    for (auto& [key, finding] : found) {
        if (std::find(finding_keys_.begin(), finding_keys_.end(), key) == finding_keys_.end()) {
            finding_keys_.push_back(key);
            findings_so_far_.push_back(finding);
        }
        state.findings.push_back(std::move(finding));
    }
    return true;
}

// Races the current state's execution found become scheduling points; the state is carried
// over to them so that what the user sees does not move.
void ExploreSession::learn() {
    std::vector<uint64_t> grown = preempt_on_;
    if (!scheduler::learn_racy_locations(state_.outcome, grown)) return;
    std::vector<uint64_t> added = minus(grown, preempt_on_);
    std::vector<uint64_t> previous = std::exchange(preempt_on_, grown);
    ExploreState carried;
    std::string error;
    if (!run(state_.choices(), scheduler::PlanEnd{}, added, carried, error)) {
        preempt_on_ = previous;
        return;
    }
    state_ = std::move(carried);
    for (uint64_t granule : added)
        notes_.push_back(fmt::format("{} is racy: its accesses are scheduling points from now on (step "
                                     "numbers may change)",
                                     targets_.granule_name(granule)));
}

}  // namespace baton::cli
