// baton-cond-wait-not-in-loop: a condition-variable wait (pthread_cond_wait/timedwait,
// cnd_wait, std::condition_variable::wait without a predicate) that is not inside a loop
// re-testing its predicate under the mutex. Wakeups may be spurious, and a signal may be meant
// for another waiter or arrive before the wait (a lost wakeup): only `while (!predicate)`
// around the wait is correct. When an `if` tests the predicate once, a fix-it makes it `while`.
#pragma once

#include <vector>

#include "analyzer/check.h"

namespace clang {
class ASTContext;
class IfStmt;
}  // namespace clang

namespace baton::analyzer {

// Replaces the `if` keyword of `branch` by `while`, when it has no `else`.
std::vector<FixIt> if_to_while_fixits(const clang::IfStmt& branch, clang::ASTContext& context);

class CondWaitNotInLoopCheck : public Check {
public:
    std::string id() const override { return "baton-cond-wait-not-in-loop"; }
    std::string summary() const override {
        return "a condition variable wait that is not inside a loop re-checking the predicate";
    }
    void run(const Program& program, const ThreadModel& threads,
             std::vector<report::Finding>& findings) const override;
};

}  // namespace baton::analyzer
