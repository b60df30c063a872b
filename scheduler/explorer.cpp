#include "scheduler/explorer.h"

#include <algorithm>
#include <chrono>
#include <functional>

#include "scheduler/dpor.h"
#include "scheduler/preemption_bounding.h"

namespace baton::scheduler {

std::string reported_schedule(const ExecutionOutcome& outcome) {
    for (auto record = outcome.records.rbegin(); record != outcome.records.rend(); ++record) {
        std::string kind = record->value("rec", "");
        if (kind == "end" || kind == "schedule") return record->value("schedule", "");
    }
    return "";
}

bool learn_racy_locations(const ExecutionOutcome& outcome, std::vector<uint64_t>& preempt_on) {
    constexpr size_t kMaxLocations = 64;
    bool grew = false;
    for (const nlohmann::json& record : outcome.records) {
        if (record.value("rec", "") != "finding" || record.value("kind", "") != "data-race") continue;
        uint64_t granule = record.value("address", uint64_t{0}) & ~uint64_t{7};
        if (granule == 0 || preempt_on.size() >= kMaxLocations) continue;
        auto at = std::lower_bound(preempt_on.begin(), preempt_on.end(), granule);
        if (at != preempt_on.end() && *at == granule) continue;
        preempt_on.insert(at, granule);
        grew = true;
    }
    return grew;
}

// One run of the explorer: the clock, the counters and the handler, shared by the phases.
class Explorer::Session {
public:
    Session(const Explorer& explorer, const OutcomeHandler& handler, ExplorationStats& stats)
        : explorer_(explorer), handler_(handler), stats_(stats),
          started_(std::chrono::steady_clock::now()) {}

    double elapsed() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    }
    bool budget_left(double until_seconds) const {
        return !stopped_ && stats_.executions < explorer_.budget_.max_executions &&
               elapsed() < until_seconds;
    }
    bool stopped() const { return stopped_; }

    // True once after executions found new racy locations: searches whose steps depend on
    // the scheduling points start over.
    bool take_new_preemption_points() {
        bool grew = grew_;
        grew_ = false;
        return grew;
    }

    // Runs one execution; false with `error` if it could not run at all.
    bool run(RunRequest request, const std::string& description, ExecutionOutcome& outcome,
             std::string& error) {
        double limit = explorer_.budget_.time_limit_seconds;
        double left = limit - elapsed();
        request.max_steps = explorer_.budget_.max_steps;
        request.preempt_on = preempt_on_;
        request.time_limit_ms = std::max<uint64_t>(100, static_cast<uint64_t>(left * 1000));
        request.reuse_process = true;
        outcome = ExecutionOutcome{};
        if (!run_execution(request, outcome, error)) return false;
        if (left < limit * 0.99 && outcome.seconds >= left) {
            // Stopped by what was left of the budget, not by running for the whole time
            // limit: that says nothing about the program. The search ends here.
            stopped_ = true;
            return true;
        }
        if (outcome.find_record("diverged")) {
            error = "the program did not repeat an execution under the same schedule (it may "
                    "read the time, random numbers or input that changes): " + description;
            return false;
        }
        if (outcome.find_record("sleep-blocked")) {
            ++stats_.sleep_blocked;
            return true;
        }
        ++stats_.executions;
        learn_racy_locations(outcome);
        ExecutionReport report;
        report.index = stats_.executions;
        report.description = description;
        report.schedule = reported_schedule(outcome);
        report.preempt_on = request.preempt_on;
        report.request = &request;
        report.outcome = &outcome;
        if (!handler_(report)) stopped_ = true;
        return true;
    }

    void learn_racy_locations(const ExecutionOutcome& outcome) {
        if (scheduler::learn_racy_locations(outcome, preempt_on_)) grew_ = true;
    }

    const Explorer& explorer_;
    const OutcomeHandler& handler_;
    std::vector<uint64_t> preempt_on_;
    bool grew_ = false;
    ExplorationStats& stats_;
    std::chrono::steady_clock::time_point started_;
    bool stopped_ = false;
};

namespace {

// Feeds a trace-driven search (DPOR, preemption bounding) until it is done or the budget is.
// Returns false on error; `complete` says whether the search ran out of schedules.
template <class Search>
bool run_guided(const std::function<Search()>& make, const char* name, const RunRequest& base,
                uint64_t trace_limit, double until_seconds, Explorer::Session& session,
                bool& complete, uint64_t& steps_seen, std::vector<std::string>& bounds,
                std::string& error);

}  // namespace

bool Explorer::run(const OutcomeHandler& handler, ExplorationStats& stats, std::string& error) {
    become_subreaper();
    Session session(*this, handler, stats);
    const double limit = budget_.time_limit_seconds;
    const std::string& strategy = options_.strategy;
    uint64_t steps_seen = 0;
    bool ok = true;

    if (strategy == "dpor" || strategy == "default") {
        bool complete = false;
        double until = strategy == "dpor" ? limit : limit / 2;
        ok = run_guided<DporSearch>([] { return DporSearch(); }, "dpor", base_, options_.trace_limit,
                                    until, session, complete, steps_seen, stats.bounds, error);
        stats.complete = complete;
        stats.strategy = "dpor";
    } else if (strategy == "bounded") {
        bool complete = false;
        uint32_t bound = options_.max_preemptions;
        ok = run_guided<PreemptionBounding>([bound] { return PreemptionBounding(bound); }, "bounded",
                                            base_, options_.trace_limit, limit, session, complete,
                                            steps_seen, stats.bounds, error);
        stats.complete = complete;
        stats.strategy = "bounded";
    }
    bool sample = strategy == "pct" || strategy == "random" ||
                  (strategy == "default" && !stats.complete && !session.stopped());
    if (ok && sample) {
        bool pct = strategy != "random";
        stats.strategy = stats.strategy.empty() ? (pct ? "pct" : "random") : stats.strategy + "+pct";
        for (uint64_t i = 0; session.budget_left(limit); ++i) {
            RunRequest request = base_;
            request.strategy = pct ? "pct" : "random";
            request.seed = options_.seed + i;
            request.pct_depth = options_.pct_depth;
            request.pct_steps = std::max<uint64_t>(steps_seen, 1);
            std::string description =
                pct ? "pct schedule, seed " + std::to_string(request.seed) + ", depth " +
                          std::to_string(options_.pct_depth)
                    : "random schedule, seed " + std::to_string(request.seed);
            ExecutionOutcome outcome;
            if (!(ok = session.run(request, description, outcome, error))) break;
            if (const nlohmann::json* end = outcome.end_record())
                steps_seen = std::max<uint64_t>(steps_seen, end->value("steps", uint64_t{0}));
        }
        stats.complete = false;
    }
    if (!stats.complete) {
        if (stats.executions >= budget_.max_executions)
            stats.bounds.push_back("--max-executions " + std::to_string(budget_.max_executions));
        if (session.elapsed() >= limit) stats.bounds.push_back("--time-limit");
    }
    stats.seconds = session.elapsed();
    stop_reused_process();
    return ok;
}

namespace {

template <class Search>
bool run_guided(const std::function<Search()>& make, const char* name, const RunRequest& base,
                uint64_t trace_limit, double until_seconds, Explorer::Session& session,
                bool& complete, uint64_t& steps_seen, std::vector<std::string>& bounds,
                std::string& error) {
    complete = false;
    Search search = make();
    bool cut_short = false;  // an execution the search could not see whole
    Plan plan;
    for (uint64_t n = 1; session.budget_left(until_seconds); ++n) {
        if (!search.next_plan(plan)) {
            complete = !cut_short;
            if constexpr (requires { search.bound_hit(); }) {
                if (search.bound_hit()) {
                    complete = false;
                    bounds.push_back("a preemption bound");
                }
            }
            return true;
        }
        RunRequest request = base;
        request.strategy = "guided";
        request.plan = format_plan(plan);
        request.record_trace = true;
        request.trace_limit = trace_limit;
        ExecutionOutcome outcome;
        std::string description = std::string(name) + " execution " + std::to_string(n);
        if (!session.run(request, description, outcome, error)) return false;
        Trace trace;
        std::string trace_error;
        if (!parse_trace(outcome.trace, trace, trace_error)) {
            // The program died before its trace was written (killed from outside): the search
            // cannot see past this execution.
            cut_short = true;
            continue;
        }
        steps_seen = std::max<uint64_t>(steps_seen, trace.steps.size());
        if (trace.truncated) {
            bounds.push_back("an execution longer than " + std::to_string(trace_limit) +
                             " steps");
            return true;  // too long to search systematically: leave it to sampling
        }
        if (outcome.killed_by_parent) cut_short = true;
        if (session.take_new_preemption_points()) {
            // The steps of every execution so far lack the new scheduling points.
            search = make();
            cut_short = false;
            continue;
        }
        search.add_execution(trace);
    }
    return true;
}

}  // namespace

}  // namespace baton::scheduler
