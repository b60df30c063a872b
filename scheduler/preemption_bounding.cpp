#include "scheduler/preemption_bounding.h"

namespace baton::scheduler {
namespace {

bool can_run(const std::vector<Option>& options, ThreadId thread) {
    for (const Option& option : options)
        if (option.thread == thread && option.kind == Option::Kind::Run) return true;
    return false;
}

}  // namespace

bool PreemptionBounding::next_plan(Plan& plan) {
    plan = Plan{};
    if (!started_) {
        started_ = true;
        prefix_ = 0;
        return true;
    }
    for (; current_ < buckets_.size(); ++current_) {
        std::vector<Pending>& bucket = buckets_[current_];
        if (bucket.empty()) continue;
        Pending next = std::move(bucket.back());
        bucket.pop_back();
        plan.follow.assign(next.base->begin(), next.base->begin() + static_cast<long>(next.length));
        plan.follow.push_back(next.choice);
        prefix_ = plan.follow.size();
        return true;
    }
    return false;
}

void PreemptionBounding::add_execution(const Trace& trace) {
    auto choices = std::make_shared<const std::vector<Choice>>(trace.choices());
    uint32_t preemptions = 0;
    for (size_t j = 0; j < trace.steps.size(); ++j) {
        const TraceStep& step = trace.steps[j];
        bool has_previous = j > 0;
        ThreadId previous = has_previous ? trace.steps[j - 1].choice.thread : 0;
        // Taking `choice` here costs a preemption if the previous thread could have gone on.
        auto cost = [&](Choice choice) {
            return has_previous && choice.thread != previous && can_run(step.options, previous) ? 1u : 0u;
        };
        if (j >= prefix_) {
            // The plan's steps were branched on by the executions it came from.
            for (const Option& option : step.options) {
                Choice alternative{option.thread, option.kind};
                if (alternative == step.choice) continue;
                uint32_t total = preemptions + cost(alternative);
                if (total > max_) {
                    bound_hit_ = true;
                    continue;
                }
                if (total >= buckets_.size()) buckets_.resize(total + 1);
                buckets_[total].push_back({choices, j, alternative});
            }
        }
        preemptions += cost(step.choice);
    }
}

}  // namespace baton::scheduler
