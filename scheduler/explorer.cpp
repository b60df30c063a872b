#include "scheduler/explorer.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "scheduler/cores.h"
#include "scheduler/dpor.h"
#include "scheduler/parallel_dpor.h"
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
    // `running`: executions started and not yet counted (`--jobs`).
    bool budget_left(double until_seconds, uint64_t running = 0) const {
        return !stopped_ &&
               stats_.executions + running < std::min(explorer_.budget_.max_executions, phase_executions_) &&
               elapsed() < until_seconds;
    }
    // The executions the current phase of the portfolio may reach (it ends at half the budget).
    void limit_phase(uint64_t executions) { phase_executions_ = executions; }
    bool stopped() const { return stopped_; }
    // Whether the execution recorded last was cut short by the end of the budget: it is not
    // counted, and a search has not explored what it would have shown.
    bool cut_by_budget() const { return cut_by_budget_; }

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
        prepare(request);
        outcome = ExecutionOutcome{};
        if (!run_execution(request, outcome, error)) return false;
        return record(request, description, outcome, error);
    }

    // Sets what every execution of this run asks for: it may run until the budget ends,
    // counted from when it begins (it may wait behind another, `--jobs`).
    void prepare(RunRequest& request) const {
        request.max_steps = explorer_.budget_.max_steps;
        request.preempt_on = preempt_on_;
        request.deadline = started_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                          std::chrono::duration<double>(explorer_.budget_.time_limit_seconds));
        request.reuse_process = true;
    }

    // Counts an execution that ran and gives it to the handler; false with `error` if the
    // program is not deterministic.
    bool record(const RunRequest& request, const std::string& description, ExecutionOutcome& outcome,
                std::string& error) {
        stats_.processes += outcome.new_process;
        // Stopped by what was left of the budget, not by running for (nearly) the whole time
        // limit: that says nothing about the program. The search ends here. The whole time is
        // what the first execution was given, not the budget: on a loaded machine it may begin
        // tens of milliseconds in, and it must still be a nontermination.
        const uint64_t given_ms = outcome.time_limit_ms;
        most_given_ms_ = std::max(most_given_ms_, given_ms);
        cut_by_budget_ = given_ms && given_ms < most_given_ms_ * 9 / 10 &&
                         outcome.seconds >= static_cast<double>(given_ms) / 1000;
        if (cut_by_budget_) {
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
        if (outcome.find_record("repeated-wait")) {
            ++stats_.repeated_waits;
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
    bool cut_by_budget_ = false;
    uint64_t most_given_ms_ = 0;  // the longest time limit an execution was given (the first's)
    uint64_t phase_executions_ = UINT64_MAX;
};

namespace {

// PCT schedules the portfolio runs after a DPOR search that ran out without a proof.
constexpr uint64_t kSamplesAfterUnprovedDpor = 1000;

// Feeds a trace-driven search (DPOR, preemption bounding) until it is done or the budget is.
// Returns false on error; `complete` says whether the search ran out of schedules, and
// `exhausted` whether it ran out at all (a search that cannot prove stays incomplete).
template <class Search>
bool run_guided(const std::function<Search()>& make, const char* name, const std::string& suffix,
                const RunRequest& base, uint64_t trace_limit, double until_seconds, Explorer::Session& session,
                bool& complete, bool& exhausted, uint64_t& steps_seen, std::vector<std::string>& bounds,
                std::string& error);

// " of shard I/N" for a shard's executions, or "".
std::string of_shard(const SearchOptions& options) {
    if (options.shard_count == 1) return "";
    return " of shard " + std::to_string(options.shard_index) + "/" + std::to_string(options.shard_count);
}

// The request and description of sample `i` (counting from 0) of a PCT or random search, of
// this shard's seeds.
RunRequest sample_request(const RunRequest& base, const SearchOptions& options, uint64_t i, uint64_t steps_seen,
                          std::string& description) {
    const bool pct = options.strategy != "random";
    RunRequest request = base;
    request.strategy = pct ? "pct" : "random";
    request.seed = options.seed + i * options.shard_count + (options.shard_index - 1);
    request.pct_depth = options.pct_depth;
    request.pct_steps = std::max<uint64_t>(steps_seen, 1);
    description = pct ? "pct schedule, seed " + std::to_string(request.seed) + ", depth " +
                            std::to_string(options.pct_depth)
                      : "random schedule, seed " + std::to_string(request.seed);
    description += of_shard(options);
    return request;
}

// Names the budgets an incomplete search ran out of; sets the seconds.
void name_bounds(const Explorer::Session& session, const Budget& budget, ExplorationStats& stats) {
    if (!stats.complete) {
        if (stats.executions >= budget.max_executions)
            stats.bounds.push_back("--max-executions " + std::to_string(budget.max_executions));
        if (session.elapsed() >= budget.time_limit_seconds) stats.bounds.push_back("--time-limit");
    }
    stats.seconds = session.elapsed();
}

// The request of a trace-driven search's execution (DPOR, preemption bounding).
RunRequest guided_request(const RunRequest& base, const Plan& plan, uint64_t trace_limit) {
    RunRequest request = base;
    request.strategy = "guided";
    request.plan = format_plan(plan);
    request.record_trace = true;
    request.trace_limit = trace_limit;
    return request;
}

// What an execution of a trace-driven search gives the search.
enum class TraceUse {
    kUnreadable,  // killed before its trace was written: the search cannot see past it
    kTooLong,     // too long to search systematically (the bound is named): leave it to sampling
    kStartOver,   // it found new scheduling points, which every execution so far lacks
    kAdd,         // `trace` goes to the search
    kAddCutShort,  // so does `trace`, but the execution was stopped before it ended: the search
                   // does not know what came next, and cannot be complete
};

// Whether the execution was stopped for not ending (the watchdog, the parent, or the step
// bound, which is then named in `bounds`; the time limit is named at the end, by name_bounds).
bool stopped_unended(const ExecutionOutcome& outcome, std::vector<std::string>& bounds) {
    if (outcome.killed_by_parent) return true;
    for (const nlohmann::json& record : outcome.records) {
        if (record.value("rec", "") != "finding" || record.value("kind", "") != "nontermination") continue;
        if (record.contains("steps")) {
            std::string bound = "--max-steps " + std::to_string(record["steps"].get<uint64_t>());
            if (std::find(bounds.begin(), bounds.end(), bound) == bounds.end()) bounds.push_back(bound);
        }
        return true;
    }
    return false;
}

TraceUse use_of_trace(const ExecutionOutcome& outcome, uint64_t trace_limit, Explorer::Session& session,
                      Trace& trace, std::vector<std::string>& bounds) {
    std::string trace_error;
    if (!parse_trace(outcome.trace, trace, trace_error)) return TraceUse::kUnreadable;
    if (trace.truncated) {
        bounds.push_back("an execution longer than " + std::to_string(trace_limit) + " steps");
        return TraceUse::kTooLong;
    }
    if (session.take_new_preemption_points()) return TraceUse::kStartOver;
    return stopped_unended(outcome, bounds) ? TraceUse::kAddCutShort : TraceUse::kAdd;
}

// The portfolio's DPOR phase is over: what it proved, and how long PCT may look after it.
void end_dpor_phase(Explorer::Session& session, ExplorationStats& stats, bool exhausted, bool complete) {
    stats.complete = complete;
    stats.strategy = "dpor";
    // DPOR ran out of schedules without proving the program correct (an execution it could
    // not see whole): PCT looks for what it missed, for a while, not the whole budget.
    session.limit_phase(exhausted && !complete ? stats.executions + kSamplesAfterUnprovedDpor : UINT64_MAX);
}

}  // namespace

bool Explorer::run(const OutcomeHandler& handler, ExplorationStats& stats, std::string& error) {
    become_subreaper();
    Session session(*this, handler, stats);
    const double limit = budget_.time_limit_seconds;
    const std::string& strategy = options_.strategy;
    uint64_t steps_seen = 0;
    bool ok = true;

    const uint32_t shard = options_.shard_index, shards = options_.shard_count;
    if (strategy == "dpor" || strategy == "default") {
        bool complete = false;
        double until = strategy == "dpor" ? limit : limit / 2;
        // In the portfolio, DPOR gets half of the executions too: a fast program can run the
        // whole --max-executions in half the time, which left PCT nothing.
        if (strategy == "default") session.limit_phase(std::max<uint64_t>(1, budget_.max_executions / 2));
        auto make = [shard, shards] {
            DporSearch search;
            search.set_shard(shard, shards);
            return search;
        };
        bool exhausted = false;
        ok = run_guided<DporSearch>(make, "dpor", of_shard(options_), base_, options_.trace_limit, until,
                                    session, complete, exhausted, steps_seen, stats.bounds, error);
        end_dpor_phase(session, stats, exhausted, complete);
    } else if (strategy == "bounded") {
        bool complete = false;
        uint32_t bound = options_.max_preemptions;
        bool exhausted = false;
        ok = run_guided<PreemptionBounding>([bound] { return PreemptionBounding(bound); }, "bounded",
                                            "", base_, options_.trace_limit, limit, session, complete,
                                            exhausted, steps_seen, stats.bounds, error);
        stats.complete = complete;
        stats.strategy = "bounded";
    }
    bool sample = strategy == "pct" || strategy == "random" ||
                  (strategy == "default" && !stats.complete && !session.stopped());
    if (ok && sample) {
        bool pct = strategy != "random";
        stats.strategy = stats.strategy.empty() ? (pct ? "pct" : "random") : stats.strategy + "+pct";
        for (uint64_t i = 0; session.budget_left(limit); ++i) {
            std::string description;
            RunRequest request = sample_request(base_, options_, i, steps_seen, description);
            ExecutionOutcome outcome;
            if (!(ok = session.run(request, description, outcome, error))) break;
            if (const nlohmann::json* end = outcome.end_record())
                steps_seen = std::max<uint64_t>(steps_seen, end->value("steps", uint64_t{0}));
        }
        stats.complete = false;
    }
    name_bounds(session, budget_, stats);
    stop_reused_process();
    return ok;
}

namespace {

template <class Search>
bool run_guided(const std::function<Search()>& make, const char* name, const std::string& suffix,
                const RunRequest& base, uint64_t trace_limit, double until_seconds, Explorer::Session& session,
                bool& complete, bool& exhausted, uint64_t& steps_seen, std::vector<std::string>& bounds,
                std::string& error) {
    complete = exhausted = false;
    Search search = make();
    bool cut_short = false;  // an execution the search could not see whole
    Plan plan;
    for (uint64_t n = 1;; ++n) {
        // Asked first: a search whose last execution used up the budget is still complete.
        if (!search.next_plan(plan)) {
            exhausted = true;
            complete = !cut_short;
            if constexpr (requires { search.bound_hit(); }) {
                if (search.bound_hit()) {
                    complete = false;
                    bounds.push_back("a preemption bound");
                }
            }
            return true;
        }
        if (!session.budget_left(until_seconds)) return true;
        ExecutionOutcome outcome;
        std::string description = std::string(name) + " execution " + std::to_string(n) + suffix;
        if (!session.run(guided_request(base, plan, trace_limit), description, outcome, error)) return false;
        if (session.cut_by_budget()) return true;  // not explored: the search is not complete
        Trace trace;
        TraceUse use = use_of_trace(outcome, trace_limit, session, trace, bounds);
        if (use == TraceUse::kUnreadable) {
            cut_short = true;
            continue;
        }
        steps_seen = std::max<uint64_t>(steps_seen, trace.steps.size());
        if (use == TraceUse::kTooLong) return true;
        if (use == TraceUse::kStartOver) {
            search = make();
            cut_short = false;
            continue;
        }
        if (use == TraceUse::kAddCutShort) cut_short = true;
        search.add_execution(trace);
    }
    return true;
}

}  // namespace

bool Explorer::run_jobs(uint32_t jobs, const OutcomeHandler& handler, ExplorationStats& stats, std::string& error) {
    // Preemption bounding's iterations depend on each other: it runs as one.
    if (options_.strategy == "bounded") return run(handler, stats, error);
    // Each runner thread keeps a program process of its own (execution_runner.cpp) and goes
    // round: under the lock it takes a planned execution; unlocked, it runs it; under the
    // lock again, the execution is recorded and its trace goes to the search. No other
    // thread hands work over, which would cost two more wakeups an execution.
    //
    // A runner works on an execution's outcome (reading it, the search's share) about as long
    // as the program takes to run one. So it keeps two executions: while it works on the
    // first's outcome, its program runs the second, posted the moment the first's reply was
    // read. A runner and its program so keep two cores busy with work, not with waiting.
    //
    // The search sees the same sequence whatever the timing: executions are planned and
    // numbered in turn, and recorded in that order (a runner whose execution ended early
    // waits for its turn), and after each one is recorded the plan is filled up to the same
    // number in flight. So which executions run, and which shows a finding first, depends
    // on the number of runners only, not on which ends first.
    const uint32_t runners = std::max<uint32_t>(1, jobs / 2);
    constexpr size_t kExecutionsPerRunner = 2;
    // Each side may spin while it waits for the other if every runner and program has a core.
    const bool spin = 2 * runners <= usable_cores();
    become_subreaper();
    Session session(*this, handler, stats);
    const double limit = budget_.time_limit_seconds;
    const std::string& strategy = options_.strategy;
    enum class Phase { kDpor, kSample, kDone };
    Phase phase = strategy == "dpor" || strategy == "default" ? Phase::kDpor : Phase::kSample;
    const double dpor_until = strategy == "dpor" ? limit : limit / 2;
    if (strategy == "default") session.limit_phase(std::max<uint64_t>(1, budget_.max_executions / 2));
    auto new_search = [&] {
        auto search = std::make_unique<ParallelDporSearch>();
        search->set_shard(options_.shard_index, options_.shard_count);
        return search;
    };
    auto search = new_search();
    uint64_t count = 0, samples = 0, steps_seen = 0;
    uint64_t generation = 0;  // searches started over (new scheduling points)
    uint64_t taken = 0, recorded = 0;  // executions planned, and recorded, so far
    bool ok = true, cut_short = false, truncated = false;
    std::mutex mutex;
    std::condition_variable changed;  // an execution was recorded, or the phase moved on

    // Under the lock, when nothing more can start in the current phase and nothing runs.
    auto next_phase = [&] {
        if (phase == Phase::kDpor) {
            bool exhausted = ok && !truncated && search->done();
            end_dpor_phase(session, stats, exhausted, exhausted && !cut_short);
            bool sample = strategy == "default" && !stats.complete && !session.stopped();
            phase = ok && sample ? Phase::kSample : Phase::kDone;
            if (phase == Phase::kSample) stats.strategy += "+pct";
        } else {
            phase = Phase::kDone;
        }
        changed.notify_all();
    };
    struct Job {
        RunRequest request;
        std::string description;
        ParallelDporSearch::Ticket ticket = 0;
        std::optional<uint64_t> planned_in;  // the search's generation, for a DPOR plan
        uint64_t number = 0;                 // in the order planned, which is the order recorded
    };
    // Under the lock: the next execution, if one may start now.
    auto plan_job = [&](Job& job) {
        const uint64_t running = taken - recorded;
        if (!ok) return false;
        if (phase == Phase::kDpor) {
            Plan plan;
            if (truncated || !session.budget_left(dpor_until, running) || !search->next_plan(plan, job.ticket))
                return false;
            job.planned_in = generation;
            job.request = guided_request(base_, plan, options_.trace_limit);
            job.description = "dpor execution " + std::to_string(++count) + of_shard(options_);
        } else if (phase == Phase::kSample && session.budget_left(limit, running)) {
            job.request = sample_request(base_, options_, samples++, steps_seen, job.description);
        } else {
            return false;
        }
        session.prepare(job.request);
        job.request.spin = spin;
        job.number = taken++;
        return true;
    };
    const uint64_t in_flight = kExecutionsPerRunner * runners;
    std::deque<Job> planned;  // not yet taken by a runner
    // Under the lock, at the start and after each execution is recorded.
    auto plan_more = [&] {
        for (Job job; taken - recorded < in_flight && plan_job(job); job = Job{}) planned.push_back(std::move(job));
    };
    plan_more();
    // Under the lock, in the order planned: the execution goes to the handler and its trace
    // to the search.
    // `late`: not run, the budget having ended before it could begin.
    auto record = [&](Job& job, bool late, bool ran, const std::string& run_error, ExecutionOutcome& outcome) {
        if (!ok) return;
        if (!late) {
            if (!ran) {
                error = run_error, ok = false;
                return;
            }
            if (!session.record(job.request, job.description, outcome, error)) {
                ok = false;
                return;
            }
        }
        if (late || session.cut_by_budget()) {
            if (job.planned_in == generation) {
                cut_short = true;  // not explored: the search is not complete
                search->abandon(job.ticket);
            }
            return;
        }
        if (const nlohmann::json* end = outcome.end_record())
            steps_seen = std::max<uint64_t>(steps_seen, end->value("steps", uint64_t{0}));
        // A search's own execution, the one it still waits for (not one planned before the
        // scheduling points changed, which started a new search).
        if (job.planned_in != generation || truncated) return;
        Trace trace;
        switch (use_of_trace(outcome, options_.trace_limit, session, trace, stats.bounds)) {
        case TraceUse::kUnreadable:
            cut_short = true;
            search->abandon(job.ticket);
            break;
        case TraceUse::kTooLong: truncated = true; break;
        case TraceUse::kStartOver:
            search = new_search();
            ++generation;
            cut_short = false;
            break;
        case TraceUse::kAddCutShort: cut_short = true; [[fallthrough]];
        case TraceUse::kAdd: search->add_execution(job.ticket, trace); break;
        }
    };
    auto runner = [&] {
        std::deque<Job> jobs;  // this runner's: the first runs, the next one waits behind it
        std::unique_lock<std::mutex> hold(mutex);
        for (;;) {
            while (jobs.size() < kExecutionsPerRunner && !planned.empty()) {
                jobs.push_back(std::move(planned.front()));
                planned.pop_front();
            }
            if (jobs.empty()) {
                if (phase == Phase::kDone) return;
                // Nothing runs and nothing more can start: the phase is over. Else what runs
                // may bring more (DPOR's next branches).
                if (taken == recorded) next_phase(), plan_more();
                else changed.wait(hold);
                continue;
            }
            hold.unlock();
            ExecutionOutcome outcome;
            std::string run_error;
            // Planned before the budget ended and not begun yet (it waited behind a hang):
            // not run, as a new process alone may take longer than the budget had left.
            const bool late = session.elapsed() >= limit;
            const bool ran = late || run_execution(jobs[0].request, outcome, run_error,
                                                   jobs.size() > 1 ? &jobs[1].request : nullptr);
            hold.lock();
            Job job = std::move(jobs.front());
            jobs.pop_front();
            changed.wait(hold, [&] { return recorded == job.number; });
            record(job, late, ran, run_error, outcome);
            ++recorded;
            plan_more();
            changed.notify_all();
        }
    };
    std::vector<std::thread> threads;
    for (uint32_t i = 0; i < runners; ++i) threads.emplace_back([&] {
        runner();
        stop_reused_process();  // this thread's
    });
    for (std::thread& thread : threads) thread.join();
    if (strategy == "pct" || strategy == "random") stats.strategy = strategy;
    name_bounds(session, budget_, stats);
    return ok;
}

}  // namespace baton::scheduler
