// Stateless model checking with optimal dynamic partial-order reduction: sleep sets and
// wakeup trees (Abdulla, Aronis, Jonsson and Sagonas, "Optimal dynamic partial order
// reduction", POPL 2014; "Source sets: a foundation for optimal DPOR", JACM 2017), steered
// from the explorer's side: each execution runs in the program's process under the guided
// strategy, which follows the plan this search chose (a prefix already explored, then a
// wakeup sequence) and then goes on non-preemptively, skipping sleeping choices; its trace
// comes back here.
//
// For every race in a trace -- a step e of one thread and a later dependent step e' of another
// that e happens before only through that pair -- the sequence v = notdep(e).e' (the steps
// after e that do not happen after it, then e') reverses the race. It goes into the wakeup
// tree of the state before e, unless that state's sleep set holds one of v's weak initials
// (an equivalent execution was explored from there already) or the tree already holds an
// equivalent beginning. So no two executions share a Mazurkiewicz trace, and the guided
// strategy never meets a state whose every option is asleep.
//
// The model of the program is coarse (operation.h): a race it thinks reversible may not be,
// when the reversed step would block there (a semaphore wait before the post it needs, a
// relock of a recursive mutex). Such a wakeup sequence is marked in the plan; the execution
// that cannot take its step ends early, counted as sleep-blocked, and is not searched.
//
// When the search runs out of wakeup trees and no execution was cut short, every behaviour of
// the program (for this input, on the operations the scheduler sees) has been explored.
//
// Sharding (`--shard I/N`) needs no communication: every shard runs the same
// deterministic search until the branches waiting in its wakeup trees number N; branch k of
// those (shallowest state first, in tree order) belongs to shard k mod N + 1, which alone goes
// on to explore it, with every branch its own executions add later, wherever they go. The
// others pass it by as the whole search would once it was explored: it joins the sleep set
// of its state when the next branch there is taken. So the union covers the whole search.
// Duplication, never a gap: the executions before the split run in every shard, and a shard
// that finds a wakeup sequence inside a branch it gave away explores it itself (the other
// shard, not knowing it, may explore an equivalent one).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "scheduler/schedule.h"
#include "scheduler/trace.h"

namespace baton::scheduler {

// A step of a wakeup sequence or tree: who goes, and what it does.
struct Event {
    Choice choice;
    Operation op;
};

// Branches still to explore from a state, in the order they were found; each branch is the
// first step of some wakeup sequences, whose rest are its children.
//
// A wakeup sequence may be as long as an execution (200,000 steps by default), so a tree is
// as deep: it is freed level by level, not by recursion, which would overflow the stack. It
// moves but does not copy (a copy would recurse).
struct WakeupTree {
    Event event;
    std::vector<WakeupTree> children;
    bool elsewhere = false;  // given to another shard, which explores all of it

    WakeupTree() = default;
    explicit WakeupTree(const Event& event, std::vector<WakeupTree> children = {}, bool elsewhere = false)
        : event(event), children(std::move(children)), elsewhere(elsewhere) {}
    WakeupTree(WakeupTree&&) = default;
    WakeupTree& operator=(WakeupTree&&) = default;
    WakeupTree(const WakeupTree&) = delete;
    WakeupTree& operator=(const WakeupTree&) = delete;
    ~WakeupTree();
};

// The wakeup tree of one sequence: a chain, its first step at the root (empty if it is).
std::vector<WakeupTree> chain(std::vector<Event>::const_iterator begin, std::vector<Event>::const_iterator end);

// The sleepers still asleep once `step` has run: a dependent step may change what theirs do,
// and a thread's own step replaces whatever else it could have done.
std::vector<SleepingThread> awake_after(const std::vector<SleepingThread>& asleep, const Event& step);

// Whether `event` (the next step of its thread at the state the sequence starts from) is a weak
// initial of `sequence`: the sequence, or one equivalent to it, may begin with it (it is the
// first step of its thread there with nothing dependent before it), or it is a thread's
// running that commutes with all of the sequence (its thread takes no step in it).
bool weak_initial(const Event& event, const std::vector<Event>& sequence);

// Adds `sequence` to the branches `tree` (those of one state) unless a branch already covers
// it: a path of weak initials that ends in a leaf. Returns whether it was added. A new leaf
// below a branch another shard explores is this shard's: the branch is then this shard's too,
// its other children the other shard's.
bool insert_wakeup_sequence(std::vector<WakeupTree>& tree, std::vector<Event> sequence);

// The options at the state before step k of a trace, as a search knows them.
using OptionsAt = std::function<const std::vector<Option>&(size_t k)>;
// Takes the wakeup sequence that reverses a race, to run from the state before step `at`.
using Reverse = std::function<void(size_t at, std::vector<Event> sequence)>;

// For every race in `trace` whose later step is step `from` or after (or pending at the end),
// the wakeup sequence that reverses it (dpor.h's first paragraph).
void find_reversals(const Trace& trace, size_t from, const OptionsAt& options_at, const Reverse& reverse);

class DporSearch {
public:
    // The plan for the next execution, or false when the search is complete.
    bool next_plan(Plan& plan);
    // What the execution of the last plan did.
    void add_execution(const Trace& trace);
    // Explore only shard `index` (1-based) of `count`.
    void set_shard(uint32_t index, uint32_t count) { shard_index_ = index, shard_count_ = count; }

private:
    // A state on the path of the last execution.
    struct Node {
        std::vector<Option> options;        // at this state (empty when never reached whole)
        Event taken;                        // the step the last execution took from it
        bool explored_taken = true;         // false: the planned step could not be taken
        std::vector<SleepingThread> asleep;  // its sleep set, branches explored from it included
        std::vector<WakeupTree> wakeup;     // branches still to explore from it
    };

    void keep_own_branches();
    // Takes the state's next branch of this shard's, or returns false if none is left.
    bool take_branch(Node& node, WakeupTree& branch);
    // Adds `sequence` to the branches of state `at` unless a sleeper there may begin it.
    void add_wakeup_sequence(size_t at, std::vector<Event> sequence);
    void extend_past_deadlock(const Trace& trace, const std::vector<SleepingThread>& asleep);

    std::vector<Node> stack_;
    size_t branch_ = 0;  // where the last plan left the path of the execution before it
    std::vector<SleepingThread> planned_asleep_;  // asleep after the last plan
    bool started_ = false;
    uint32_t shard_index_ = 1, shard_count_ = 1;
    bool split_ = false;  // the branches have been dealt out to the shards
};

}  // namespace baton::scheduler
