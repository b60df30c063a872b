// Stateless model checking with dynamic partial-order reduction and sleep sets (Flanagan and
// Godefroid, POPL 2005; sleep sets after Godefroid 1996), steered from the explorer's side:
// each execution runs in the program's process under the guided strategy, which follows the
// prefix this search chose and then goes on non-preemptively, skipping sleeping choices; its
// trace comes back here, where races between dependent steps add backtrack points.
//
// Two executions never share a Mazurkiewicz trace: an execution whose every option is asleep
// stops early and is counted as sleep-blocked. When the search runs out of backtrack points
// and no execution was cut short, every behaviour of the program (for this input, on the
// operations the scheduler sees) has been explored.
#pragma once

#include <cstdint>
#include <vector>

#include "scheduler/schedule.h"
#include "scheduler/trace.h"

namespace baton::scheduler {

class DporSearch {
public:
    // The plan for the next execution, or false when the search is complete.
    bool next_plan(Plan& plan);
    // What the execution of the last plan did.
    void add_execution(const Trace& trace);

private:
    struct Node {
        std::vector<Option> options;          // at the state before this step
        Choice chosen;
        Operation op;
        std::vector<Choice> backtrack;        // choices still to try from that state
        std::vector<Choice> done;             // choices tried from it
        std::vector<SleepingThread> asleep;   // the state's sleep set
    };

    void find_races(const Trace& trace);
    void add_backtrack(size_t index, ThreadId thread);

    std::vector<Node> stack_;
    size_t prefix_ = 0;  // steps of the last execution that followed its plan
    std::vector<SleepingThread> planned_asleep_;  // asleep after the last plan's branch
    bool started_ = false;
};

}  // namespace baton::scheduler
