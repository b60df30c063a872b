#include "scheduler/minimize.h"

namespace baton::scheduler {
namespace {

// Step i switches if another thread takes it, or the same thread by a timeout or wakeup.
bool is_switch(const std::vector<Choice>& choices, size_t i) {
    return choices[i].thread != choices[i - 1].thread || choices[i].kind != Option::Kind::Run;
}

// The steps before the (k+1)-th switch: the prefix that keeps the first k switches.
std::vector<Choice> prefix_keeping(const std::vector<Choice>& choices, size_t k) {
    size_t switches = 0;
    for (size_t i = 1; i < choices.size(); ++i)
        if (is_switch(choices, i) && switches++ == k) return {choices.begin(), choices.begin() + static_cast<long>(i)};
    return choices;
}

}  // namespace

size_t count_switches(const std::vector<Choice>& choices) {
    size_t switches = 0;
    for (size_t i = 1; i < choices.size(); ++i) switches += is_switch(choices, i);
    return switches;
}

std::string minimize_switches(const std::string& original, const Reproduces& reproduces,
                              int max_attempts) {
    std::vector<Choice> choices;
    std::string error;
    if (!parse_choices(original, choices, error)) return original;
    size_t total = count_switches(choices);
    // Few switches are tried one by one, many by doubling steps: small answers are the common
    // ones, and the attempts are bounded.
    std::vector<size_t> candidates;
    for (size_t k = 0; k < total && k < 8; ++k) candidates.push_back(k);
    for (size_t k = 12; k < total; k = k * 3 / 2) candidates.push_back(k);
    int attempts = 0;
    for (size_t k : candidates) {
        if (attempts++ >= max_attempts) break;
        std::string schedule;
        if (!reproduces(prefix_keeping(choices, k), schedule)) continue;
        std::vector<Choice> found;
        if (parse_choices(schedule, found, error) && count_switches(found) < total) return schedule;
        return original;
    }
    return original;
}

}  // namespace baton::scheduler
