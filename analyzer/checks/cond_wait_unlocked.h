// baton-cond-wait-unlocked: waiting on a condition variable without holding the mutex passed
// with it (or, in C++, through a unique_lock that does not own its mutex). POSIX leaves it
// undefined; in practice the predicate test and the wait are no longer atomic with respect to
// the signaller, and the wakeup is lost. Caller-held locks count: a helper that waits is fine
// when every caller locks first.
#pragma once

#include "analyzer/check.h"

namespace baton::analyzer {

class CondWaitUnlockedCheck : public Check {
public:
    std::string id() const override { return "baton-cond-wait-unlocked"; }
    std::string summary() const override {
        return "waiting on a condition variable without holding its mutex";
    }
    void run(const Program& program, const ThreadModel& threads,
             std::vector<report::Finding>& findings) const override;
};

}  // namespace baton::analyzer
