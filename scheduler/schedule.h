// Schedules as text: which option was taken at every scheduling point of an execution.
//
// A choice is a thread and how it proceeds: `3` runs thread 3, `3t` times thread 3's wait out,
// `3s` wakes it spuriously. Runs of the same choice are written `3x120`. A whole schedule is
// the choices separated by spaces: "0x14 1x3 0 2t 1x9".
//
// The guided strategy (what DPOR, preemption bounding and replay run in the program's process)
// takes a "plan": the choices to follow, then which choices are asleep once they run out (a
// sleeping choice is not taken until a step dependent on its operation has run; if only
// sleeping choices remain, the execution is redundant and ends). After the plan, the execution
// goes on non-preemptively. A search may mark where the choices of a wakeup sequence begin:
// from there on, a choice that cannot be taken means the race it reverses was none (the step
// would block there), and the execution ends as redundant instead of diverged. One item per line:
//   follow 0x14 1x3 0
//   asleep 2 lock 140737 1s cond-wake 94823   (choice, operation, object; repeated)
//   wakeup 15                                 (index into follow)
//   end-repeated-waits                        (Strategy::ends_repeated_waits)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/strategy.h"

namespace baton::scheduler {

struct Choice {
    ThreadId thread = 0;
    Option::Kind kind = Option::Kind::Run;
    bool operator==(const Choice&) const = default;
};

std::string format_choices(const std::vector<Choice>& choices);
// Returns false (with `error`) for text that is not a schedule.
bool parse_choices(std::string_view text, std::vector<Choice>& choices, std::string& error);

// Appends one choice to a schedule being written, merging runs ("0x14").
class ScheduleWriter {
public:
    void add(Choice choice);
    std::string text() const;  // everything added so far

private:
    std::string text_;  // all runs but the last
    Choice last_;
    uint64_t run_ = 0;
    void flush_run();
    static void append_run(std::string& text, Choice choice, uint64_t run);
};

struct SleepingThread {
    Choice choice;
    Operation op;
};

struct Plan {
    std::vector<Choice> follow;
    std::vector<SleepingThread> asleep;
    std::optional<uint64_t> wakeup_from = std::nullopt;  // where the wakeup sequence begins
    bool end_repeated_waits = false;  // Strategy::ends_repeated_waits
};

std::string format_plan(const Plan& plan);
bool parse_plan(std::string_view text, Plan& plan, std::string& error);

// Where a guided execution stops once its plan is done (`baton explore` shows the state
// there): at the scheduling point `steps` steps later, taken non-preemptively -- or, with
// `only_thread`, taken by that thread alone, stopping earlier when it cannot run.
// Text: "5" or "5 thread 2".
struct PlanEnd {
    uint64_t steps = 0;
    std::optional<ThreadId> only_thread;
};

std::string format_plan_end(const PlanEnd& end);
bool parse_plan_end(std::string_view text, PlanEnd& end, std::string& error);

OpKind op_kind_from_name(std::string_view name, bool& ok);

}  // namespace baton::scheduler
