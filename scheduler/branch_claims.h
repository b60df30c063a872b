// The branches of a DPOR search that several jobs on one machine (`--jobs N`) explore
// together. Every job runs the same search, and before it goes down a branch it claims it
// here: the first job to claim a branch explores it, and the others pass it by as the whole
// search would pass by a branch it explored already (it joins the sleep set of its state).
// So the jobs share out the work as they go, with no split decided in advance, and none
// explores a branch another one took.
//
// A branch is named by the choices that lead to its state and its own first choice, hashed
// to 128 bits, together with the search's scheduling points (which racy locations are ones):
// two jobs that learned different racy locations run different searches, which share
// nothing. The table lives in shared memory that the jobs inherit from the parent (fork):
// open addressing over pairs of words, claimed with compare-and-swap. A full table claims
// nothing for anyone: every job then explores the branch (duplication, never a gap).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "scheduler/schedule.h"

namespace baton::scheduler {

struct BranchKey {
    uint64_t high = 0, low = 0;
    bool operator==(const BranchKey&) const = default;
};

// The key of the branch `next` taken at the state the choices `path` lead to, in the search
// whose scheduling points include the racy locations `preempt_on`.
BranchKey branch_key(std::span<const uint64_t> preempt_on, std::span<const Choice> path, const Choice& next);

class BranchClaims {
public:
    // A table of `slots` entries in anonymous shared memory (reserved, committed as used);
    // null if it cannot be mapped. Lives until the process (and every child) ends.
    static BranchClaims* create(size_t slots);

    // True if no one claimed `key` before: the caller explores the branch.
    bool claim(const BranchKey& key);

private:
    struct Slot {
        std::atomic<uint64_t> high;  // 0: free
        std::atomic<uint64_t> low;   // 0: being written by the claimer of `high`
    };
    size_t mask_ = 0;
    Slot* slots_ = nullptr;
};

}  // namespace baton::scheduler
