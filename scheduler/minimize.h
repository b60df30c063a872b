// Shortening a failing schedule before it is reported: a person reading a replay should see
// as few thread switches as the failure needs. Candidates keep the first k switches of the
// schedule and let the execution go on non-preemptively from there (the guided strategy's
// continuation); the first k, in increasing order, that still shows the same finding wins.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "scheduler/schedule.h"

namespace baton::scheduler {

// Runs the plan that follows `prefix`; returns whether the finding showed again, and if so the
// whole schedule of that execution in `schedule`.
using Reproduces = std::function<bool(const std::vector<Choice>& prefix, std::string& schedule)>;

// Returns the shortest reproducing schedule found within `max_attempts` executions, or
// `original` if none is shorter.
std::string minimize_switches(const std::string& original, const Reproduces& reproduces,
                              int max_attempts);

// How many times the schedule switches from one thread to another.
size_t count_switches(const std::vector<Choice>& choices);

}  // namespace baton::scheduler
