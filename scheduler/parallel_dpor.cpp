#include "scheduler/parallel_dpor.h"

#include <algorithm>

namespace baton::scheduler {

struct ParallelDporSearch::Branch {
    Event event;
    std::vector<WakeupTree> below;  // not begun: the rest of its wakeup sequences
    std::unique_ptr<Node> child;    // begun: the state it leads to (null once forgotten)
    uint64_t begun = 0;             // 0: not begun; else when, among all branches
    bool taken = true;              // false: its step could not be taken (the race was none)
    bool ended = false;             // begun, and everything below it explored
    bool elsewhere = false;         // not begun: another shard explores it (dpor.h)
};

struct ParallelDporSearch::Node {
    ~Node();

    Node* parent = nullptr;
    size_t via = 0;  // parent->branches[via] leads here
    size_t depth = 0;
    std::vector<Option> options;         // at this state (empty until an execution is back)
    std::vector<SleepingThread> asleep;  // its sleep set on the way in
    std::vector<Branch> branches;        // the begun ones in the order they began, then the rest
    bool running = false;                // an execution's plan ends here, and it is not back
    bool doomed = false;                 // about to be forgotten
};

ParallelDporSearch::Node::~Node() {
    // The tree is as deep as an execution is long: its states are freed from a list, each
    // with no state left below it, not by a recursion that would overflow the stack.
    std::vector<std::unique_ptr<Node>> below;
    for (Branch& branch : branches)
        if (branch.child) below.push_back(std::move(branch.child));
    while (!below.empty()) {
        std::unique_ptr<Node> node = std::move(below.back());
        below.pop_back();
        for (Branch& branch : node->branches)
            if (branch.child) below.push_back(std::move(branch.child));
    }
}

struct ParallelDporSearch::Kept {
    Node* node;
    size_t via;                  // node->branches[via] ended; its states are kept
    Node* blocked_at = nullptr;  // with `blocker`: a branch begun before it, not ended when last seen
    size_t blocker = 0;
};

// A branch not begun: its first step and the rest of its wakeup sequences.
ParallelDporSearch::Branch ParallelDporSearch::pending(const Event& event, std::vector<WakeupTree> below,
                                                       bool elsewhere) {
    Branch branch;
    branch.event = event;
    branch.below = std::move(below);
    branch.elsewhere = elsewhere;
    return branch;
}

namespace {

// `sequence` without the first step of `event`'s thread, once a branch that begins like it
// is taken.
std::vector<Event> without_step(const Event& event, std::vector<Event> sequence) {
    auto own = std::find_if(sequence.begin(), sequence.end(),
                            [&](const Event& step) { return step.choice.thread == event.choice.thread; });
    if (own != sequence.end()) sequence.erase(own);
    return sequence;
}

// Every sequence of `tree` from its root to a leaf, each after `prefix`, in the tree's order.
// A loop over a stack of levels: the tree may be as deep as an execution is long.
std::vector<std::vector<Event>> leaf_sequences(const std::vector<WakeupTree>& tree, std::vector<Event> prefix) {
    std::vector<std::vector<Event>> sequences;
    if (tree.empty()) return {prefix};
    struct Level {
        const std::vector<WakeupTree>* branches;
        size_t next = 0;  // the branch to go down next
    };
    for (std::vector<Level> levels{{&tree}}; !levels.empty();) {
        Level& level = levels.back();
        if (level.next == level.branches->size()) {
            levels.pop_back();
            if (!levels.empty()) prefix.pop_back();  // the event of the branch it was below
            continue;
        }
        const WakeupTree& branch = (*level.branches)[level.next++];
        prefix.push_back(branch.event);
        if (branch.children.empty()) {
            sequences.push_back(prefix);
            prefix.pop_back();
        } else {
            levels.push_back({&branch.children});
        }
    }
    return sequences;
}

}  // namespace

ParallelDporSearch::ParallelDporSearch() = default;
ParallelDporSearch::~ParallelDporSearch() = default;

bool ParallelDporSearch::done() const { return started_ && running_.empty() && !root_; }
bool ParallelDporSearch::next_plan(Plan& plan, Ticket& ticket) {
    plan = Plan{};
    // A thread back in a condition wait it woke from spuriously, having changed nothing, is
    // where it was had it not woken (dpor.cpp).
    plan.end_repeated_waits = true;
    Running running;
    if (!started_) {
        started_ = true;
        root_ = std::make_unique<Node>();
        root_->running = true;
        running = {root_.get(), 0, {}};
    } else {
        // Before the branches are dealt out, one execution at a time: every shard must reach
        // the same ones.
        if (shard_count_ > 1 && !split_ && !running_.empty()) return false;
        Node* node = root_ ? deepest_pending(*root_) : nullptr;
        if (!node) return false;
        take(*node, plan, running);
    }
    ticket = next_ticket_++;
    running_.emplace(ticket, std::move(running));
    return true;
}

ParallelDporSearch::Node* ParallelDporSearch::deepest_pending(Node& root) {
    // The deepest state with a branch not begun, the first of those in depth-first order: one
    // runner then goes depth first, as one search does. Down the branches not ended, with a
    // stack of states (the tree is as deep as an execution is long).
    Node* deepest = nullptr;
    for (std::vector<Node*> left{&root}; !left.empty();) {
        Node* node = left.back();
        left.pop_back();
        bool pending = false;
        for (auto branch = node->branches.rbegin(); branch != node->branches.rend(); ++branch) {
            pending |= branch->begun == 0 && !branch->elsewhere;
            if (branch->child && !branch->ended) left.push_back(branch->child.get());
        }
        // A state whose execution is not back waits: its first branch is that execution's.
        if (pending && !node->running && (!deepest || node->depth > deepest->depth)) deepest = node;
    }
    return deepest;
}

void ParallelDporSearch::take(Node& node, Plan& plan, Running& running) {
    for (Node* at = &node; at->parent; at = at->parent)
        plan.follow.push_back(at->parent->branches[at->via].event.choice);
    std::reverse(plan.follow.begin(), plan.follow.end());
    // Down the branch's leftmost path; the branches beside it stay with their states.
    std::vector<SleepingThread> asleep;
    Node* at = &node;
    for (;;) {
        const size_t index = first_own(*at);  // below the first state: never none, its own
                                              // branches end in its own leaves
        // Every branch begun before it sleeps: explored, being explored by another runner, or
        // another shard's.
        asleep = at->asleep;
        for (size_t i = 0; i < index; ++i)
            if (at->branches[i].taken) asleep.push_back({at->branches[i].event.choice, at->branches[i].event.op});
        Branch& branch = at->branches[index];
        branch.begun = ++begun_;
        plan.follow.push_back(branch.event.choice);
        asleep = awake_after(asleep, branch.event);
        auto next = std::make_unique<Node>();
        next->parent = at;
        next->via = index;
        next->depth = at->depth + 1;
        next->asleep = asleep;
        for (WakeupTree& tree : branch.below)
            next->branches.push_back(pending(tree.event, std::move(tree.children), tree.elsewhere));
        branch.below.clear();
        branch.child = std::move(next);
        at = branch.child.get();
        if (at->branches.empty()) break;
    }
    at->running = true;
    plan.asleep = asleep;
    plan.wakeup_from = node.depth;
    running = {at, node.depth, std::move(asleep)};
}

size_t ParallelDporSearch::first_own(Node& node) {
    // Branches another shard explores, before this shard's first: the whole search would have
    // explored them by now, so they sleep, begun and ended.
    size_t index = 0;
    for (; node.branches[index].begun != 0 || node.branches[index].elsewhere; ++index) {
        Branch& branch = node.branches[index];
        if (branch.begun != 0) continue;
        branch.begun = ++begun_;
        branch.ended = true;
        branch.below.clear();
    }
    return index;
}

void ParallelDporSearch::keep_own_branches() {
    // As DporSearch::keep_own_branches: once the branches waiting number the shards, branch k
    // (the shallowest state's first, in tree order) is shard k mod N + 1's. One execution ran
    // at a time so far: the states with branches waiting are those of one path.
    std::vector<Branch*> waiting;
    Node* deepest = nullptr;
    for (Node* node = root_.get(); node;) {
        deepest = node;
        Node* next = nullptr;
        for (Branch& branch : node->branches) {
            if (branch.begun == 0) waiting.push_back(&branch);
            else if (branch.child && !branch.ended) next = branch.child.get();
        }
        node = next;
    }
    if (waiting.size() < shard_count_) return;
    split_ = true;
    for (size_t k = 0; k < waiting.size(); ++k) waiting[k]->elsewhere = k % shard_count_ != shard_index_ - 1;
    // States whose branches left are all another shard's are explored as far as this one goes.
    settle(deepest);
    forget_settled();
}

void ParallelDporSearch::add_execution(Ticket ticket, const Trace& trace) {
    auto found = running_.find(ticket);
    if (found == running_.end()) return;
    const Running running = std::move(found->second);
    running_.erase(found);
    std::vector<Node*> path;  // path[k]: the state before step k
    extend(running, trace, path);
    if (path.size() == trace.steps.size() + 1) {
        find_reversals(
            trace, running.wakeup_from, [&](size_t k) -> const std::vector<Option>& { return path[k]->options; },
            [&](size_t at, std::vector<Event> sequence) {
                add_reversal(*path[at], path[at]->branches[path[at + 1]->via], std::move(sequence));
            });
        extend_past_deadlock(*path.back(), trace);
    }
    settle(path.back());
    forget_settled();
    if (shard_count_ > 1 && !split_ && root_) keep_own_branches();
}

void ParallelDporSearch::abandon(Ticket ticket) {
    auto found = running_.find(ticket);
    if (found == running_.end()) return;
    Node* tip = found->second.tip;
    running_.erase(found);
    tip->running = false;
    settle(tip);
    forget_settled();
}

void ParallelDporSearch::extend(const Running& running, const Trace& trace, std::vector<Node*>& path) {
    for (Node* at = running.tip; at; at = at->parent) path.push_back(at);
    std::reverse(path.begin(), path.end());
    const size_t planned = running.tip->depth, steps = trace.steps.size();
    running.tip->running = false;
    for (size_t k = running.wakeup_from; k < std::min(planned, steps); ++k) path[k]->options = trace.steps[k].options;
    if (steps < planned) {
        // The plan's step at `steps` could not be taken (the race behind it was no race):
        // nothing below it exists, and it is no sleeper.
        Branch& failed = path[steps]->branches[path[steps + 1]->via];
        failed.taken = false;
        failed.ended = true;
        failed.child.reset();
        path.resize(steps + 1);
        return;
    }
    // The steps past the plan are new states, each the first branch of the one before. What
    // came to the plan's last state while the execution ran comes after its step: it goes in
    // again once that step is known, which it may begin like.
    std::vector<Branch> came = std::move(running.tip->branches);
    running.tip->branches.clear();
    std::vector<SleepingThread> asleep = running.asleep;
    Node* at = running.tip;
    for (size_t k = planned; k < steps; ++k) {
        const TraceStep& step = trace.steps[k];
        at->options = step.options;
        Branch branch = pending({step.choice, step.op}, {});
        branch.begun = ++begun_;
        asleep = awake_after(asleep, branch.event);
        auto next = std::make_unique<Node>();
        next->parent = at;
        next->via = 0;
        next->depth = k + 1;
        next->asleep = asleep;
        branch.child = std::move(next);
        at->branches.push_back(std::move(branch));  // its first: what came is out for now
        at = at->branches.back().child.get();
        path.push_back(at);
    }
    for (const Branch& branch : came) {
        for (std::vector<Event>& sequence : leaf_sequences(branch.below, {branch.event}))
            insert_below(*running.tip, 0, std::move(sequence));
    }
}

void ParallelDporSearch::add_reversal(Node& node, const Branch& via, std::vector<Event> sequence) {
    for (const SleepingThread& sleeper : node.asleep)
        if (weak_initial({sleeper.choice, sleeper.op}, sequence)) return;
    // The branches begun before the one this race was found below sleep there, as for one
    // search that explored them first.
    for (const Branch& branch : node.branches)
        if (branch.begun != 0 && branch.begun < via.begun && branch.taken && weak_initial(branch.event, sequence))
            return;
    insert_below(node, via.begun, std::move(sequence));
}

void ParallelDporSearch::insert_below(Node& start, uint64_t after, std::vector<Event> sequence) {
    // Where one search would have put it: below the first branch that may begin it, of those
    // that one search would not have explored yet. Begun ones included: it goes down into
    // their states.
    for (Node* node = &start;;) {
        auto match = std::find_if(node->branches.begin(), node->branches.end(), [&](const Branch& branch) {
            bool later = branch.begun == 0 || (branch.begun > after && branch.taken);
            return later && weak_initial(branch.event, sequence);
        });
        if (match == node->branches.end()) {
            node->branches.push_back(pending(sequence.front(), chain(sequence.begin() + 1, sequence.end())));
            reopen(*node);
            return;
        }
        std::vector<Event> rest = without_step(match->event, sequence);
        if (rest.empty()) return;  // the branch itself
        if (match->begun == 0) {
            if (match->below.empty()) return;  // a leaf: explored whole from its state, it covers the rest
            // As one level of a wakeup tree (dpor.cpp: a new leaf below another shard's branch
            // makes it this shard's).
            std::vector<WakeupTree> level;
            level.emplace_back(match->event, std::move(match->below), match->elsewhere);
            insert_wakeup_sequence(level, std::move(sequence));
            match->below = std::move(level.front().children);
            if (match->elsewhere && !level.front().elsewhere) reopen(*node);  // now this shard's
            match->elsewhere = level.front().elsewhere;
            return;
        }
        if (!match->child) return;  // never: forgotten only when nothing could come here
        node = match->child.get();
        sequence = std::move(rest);
        after = 0;
    }
}

void ParallelDporSearch::extend_past_deadlock(Node& end, const Trace& trace) {
    // As in dpor.cpp: where nobody can go on but by a spurious wakeup, one waiter's wakeup is
    // a branch of its own.
    if (trace.pending.empty()) return;
    std::vector<Option> wakeups;
    for (const PendingOperation& pending : trace.pending) {
        if (pending.can(Option::Kind::Run) || pending.can(Option::Kind::Timeout)) return;
        if (pending.can(Option::Kind::SpuriousWakeup))
            wakeups.push_back({pending.thread, Option::Kind::SpuriousWakeup, pending.op});
    }
    for (const Option& option : wakeups) {
        const Event wake{{option.thread, option.kind}, option.op};
        bool sleeps = std::any_of(end.asleep.begin(), end.asleep.end(),
                                  [&](const SleepingThread& sleeper) { return sleeper.choice == wake.choice; });
        if (sleeps) continue;
        end.options = wakeups;
        end.branches.push_back(pending(wake, {}));
        return;
    }
}

void ParallelDporSearch::reopen(Node& node) {
    for (Node* at = &node; at->parent; at = at->parent) {
        Branch& branch = at->parent->branches[at->via];
        if (!branch.ended) return;
        branch.ended = false;
    }
}

void ParallelDporSearch::settle(Node* node) {
    // A state whose branches have all begun and ended is explored whole: so is the branch to it.
    for (; node; node = node->parent) {
        if (node->running) return;
        for (const Branch& branch : node->branches)
            if ((branch.begun == 0 && !branch.elsewhere) || (branch.begun != 0 && !branch.ended)) return;
        if (!node->parent) {
            root_.reset();  // the search is complete
            recheck_.clear();
            waiting_on_.clear();
            return;
        }
        Branch& branch = node->parent->branches[node->via];
        if (branch.ended) return;
        branch.ended = true;
        recheck_.push_back({node->parent, node->via});
        auto waiting = waiting_on_.find(branch.begun);
        if (waiting != waiting_on_.end()) {
            recheck_.insert(recheck_.end(), waiting->second.begin(), waiting->second.end());
            waiting_on_.erase(waiting);
        }
    }
}

bool ParallelDporSearch::may_forget(Kept& kept, const std::unordered_map<const Branch*, const Kept*>& above) const {
    // A sequence comes down into an ended branch only from below a branch begun before it, at
    // its state or at one above, that is still being explored. The one seen last usually
    // still is.
    if (kept.blocked_at && !kept.blocked_at->branches[kept.blocker].ended) return false;
    Node* at = kept.node;
    const Branch* through = &at->branches[kept.via];
    for (;;) {
        for (size_t i = 0; i < at->branches.size(); ++i) {
            const Branch& other = at->branches[i];
            if (other.begun != 0 && other.begun < through->begun && !other.ended) {
                kept.blocked_at = at;  // an ancestor's: alive as long as this is kept
                kept.blocker = i;
                return false;
            }
        }
        if (!at->parent) break;
        through = &at->parent->branches[at->via];
        at = at->parent;
        // A kept branch above, looked at already: the rest of the walk would be its.
        if (auto decided = above.find(through); decided != above.end()) {
            kept.blocked_at = decided->second->blocked_at;
            kept.blocker = decided->second->blocker;
            return !kept.blocked_at;
        }
    }
    kept.blocked_at = nullptr;
    return true;
}

void ParallelDporSearch::forget_settled() {
    // The ended branches to look at again: those that just ended, and those whose blocker
    // did. Each either waits for the branch that blocks it, or is forgotten (the shallowest
    // first, each marking what it frees: the others inside it go with it).
    //
    // Shallowest first, too, because the walk up from a branch passes the kept branches above
    // it, whose answer then is its: an execution that ends a long path settles a branch at
    // every one of its states, and walking each to the root would take time quadratic in the
    // path's length (a minute for 100,000 steps).
    std::stable_sort(recheck_.begin(), recheck_.end(),
                     [](const Kept& a, const Kept& b) { return a.node->depth < b.node->depth; });
    std::unordered_map<const Branch*, const Kept*> looked_at;
    std::vector<Kept> forgettable;
    for (Kept& kept : recheck_) {
        const Branch& branch = kept.node->branches[kept.via];
        if (!branch.ended || !branch.child) continue;  // reopened (it comes back when it ends), or gone
        if (may_forget(kept, looked_at)) forgettable.push_back(kept);
        else waiting_on_[kept.blocked_at->branches[kept.blocker].begun].push_back(kept);
        looked_at.emplace(&branch, &kept);
    }
    recheck_.clear();
    std::vector<Kept> roots;
    for (const Kept& kept : forgettable) {
        if (kept.node->doomed || !kept.node->branches[kept.via].child) continue;  // freed with another
        roots.push_back(kept);
        for (std::vector<Node*> left{kept.node->branches[kept.via].child.get()}; !left.empty();) {
            Node* node = left.back();
            left.pop_back();
            node->doomed = true;
            for (Branch& branch : node->branches)
                if (branch.child) left.push_back(branch.child.get());
        }
    }
    for (const Kept& root : roots) root.node->branches[root.via].child.reset();
}

}  // namespace baton::scheduler
