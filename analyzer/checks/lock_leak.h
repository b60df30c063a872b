// baton-lock-leak: a path that leaves a function with a mutex still locked. A thread's entry
// function (or a pthread_exit) holding a lock at exit always leaks it: no one else will ever
// unlock it. Any other function leaks when one exit holds a lock that another exit has
// released (the classic early `return` between lock and unlock); a function that holds the
// lock at every exit is a locking helper, and its callers are checked instead.
#pragma once

#include "analyzer/check.h"

namespace baton::analyzer {

class LockLeakCheck : public Check {
public:
    std::string id() const override { return "baton-lock-leak"; }
    std::string summary() const override {
        return "a path that returns or exits with a mutex still held";
    }
    void run(const Program& program, const ThreadModel& threads,
             std::vector<report::Finding>& findings) const override;
};

}  // namespace baton::analyzer
