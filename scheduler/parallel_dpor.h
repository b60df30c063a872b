// One DPOR search (dpor.h) with several executions at once, for `--jobs N`: the same optimal
// DPOR, its state kept as a tree of the states being explored rather than the path of the
// last execution, so that N runners can each take a branch still to explore.
//
// Why a tree: in optimal DPOR a branch's subtree does not cover, by itself, every trace that
// no sleeper begins. One search explores a state's branches one after the other, and the
// wakeup sequences found below the earlier ones may go below a later one, before it begins
// (as a child of the branch in the wakeup tree); some traces are reached only through those.
// With branches explored at once, such a sequence may come for a branch that has begun, or
// even ended. So it goes there all the same: down the branches begun after the one whose
// execution found it, through their states (kept until nothing begun before them runs), to
// where it would have gone, and is explored from there. Sleep sets follow the order in which
// branches begin; at a state that is the order of its wakeup tree, as for one search.
//
// With one runner this is the search of dpor.h, execution for execution, shards included (a
// test). With more, no trace is explored twice either; the order differs, so a few more
// executions may end sleep-blocked.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "scheduler/dpor.h"

namespace baton::scheduler {

class ParallelDporSearch {
public:
    using Ticket = uint64_t;  // which execution a trace belongs to

    ParallelDporSearch();
    ~ParallelDporSearch();

    // The plan for a free runner and the ticket its trace comes back with; false when there
    // is none now: the search is done(), or waits for executions that are running.
    bool next_plan(Plan& plan, Ticket& ticket);
    void add_execution(Ticket ticket, const Trace& trace);
    // The execution's trace could not be read: nothing below its plan is explored.
    void abandon(Ticket ticket);
    bool done() const;
    // Explore only shard `index` (1-based) of `count`, as DporSearch::set_shard: the branches
    // are dealt out where one search would deal them, and until then one execution runs at a
    // time, so that every shard deals the same branches.
    void set_shard(uint32_t index, uint32_t count) { shard_index_ = index, shard_count_ = count; }

private:
    struct Node;
    struct Branch;
    struct Kept;
    struct Running {
        Node* tip;              // the state where the plan ends
        size_t wakeup_from;     // the depth where its branch begins
        std::vector<SleepingThread> asleep;  // after the plan
    };

    static Branch pending(const Event& event, std::vector<WakeupTree> below, bool elsewhere = false);
    Node* deepest_pending(Node& root);
    size_t first_own(Node& node);
    void take(Node& node, Plan& plan, Running& running);
    void extend(const Running& running, const Trace& trace, std::vector<Node*>& path);
    void add_reversal(Node& node, const Branch& via, std::vector<Event> sequence);
    void insert_below(Node& node, uint64_t after, std::vector<Event> sequence);
    void extend_past_deadlock(Node& end, const Trace& trace);
    void keep_own_branches();
    void reopen(Node& node);
    void settle(Node* node);
    bool may_forget(Kept& kept, const std::unordered_map<const Branch*, const Kept*>& above) const;
    void forget_settled();

    uint32_t shard_index_ = 1, shard_count_ = 1;
    bool split_ = false;  // the branches have been dealt out to the shards
    std::unique_ptr<Node> root_;
    bool started_ = false;
    uint64_t begun_ = 0;                   // branches begun so far
    Ticket next_ticket_ = 1;
    std::map<Ticket, Running> running_;
    // Ended branches whose states are kept: to look at again, or until the branch (by when it
    // began) that keeps them ends.
    std::vector<Kept> recheck_;
    std::unordered_map<uint64_t, std::vector<Kept>> waiting_on_;
};

}  // namespace baton::scheduler
