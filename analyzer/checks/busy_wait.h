// baton-busy-wait: a loop that spins re-reading a shared variable that is neither atomic nor
// protected by a lock held in common with the thread that writes it (`while (turn != 0);`).
// It burns a core, and without atomics or a lock the compiler may read the variable once and
// spin forever. The fix is to block: a condition variable with the variable under a mutex, or
// a semaphore. `volatile` is not a fix, and the message never suggests it.
#pragma once

#include "analyzer/check.h"

namespace baton::analyzer {

class BusyWaitCheck : public Check {
public:
    std::string id() const override { return "baton-busy-wait"; }
    std::string summary() const override {
        return "a loop that spins on a shared variable that is neither atomic nor protected";
    }
    void run(const Program& program, const ThreadModel& threads,
             std::vector<report::Finding>& findings) const override;
};

}  // namespace baton::analyzer
