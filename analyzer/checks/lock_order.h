// baton-lock-order: two (or more) mutexes taken in opposite orders by code that may run at
// the same time: thread 1 holds A and waits for B while thread 2 holds B and waits for A. The
// lock graph has an edge A -> B for every acquisition of B with A held, over the code of every
// thread (through calls: a helper that locks B, called with A held, adds A -> B). A cycle whose
// edges can run in parallel is reported once, with each acquisition path as notes.
#pragma once

#include "analyzer/check.h"

namespace baton::analyzer {

class LockOrderCheck : public Check {
public:
    std::string id() const override { return "baton-lock-order"; }
    std::string summary() const override {
        return "two mutexes acquired in opposite orders on paths that may run concurrently";
    }
    void run(const Program& program, const ThreadModel& threads,
             std::vector<report::Finding>& findings) const override;
};

}  // namespace baton::analyzer
