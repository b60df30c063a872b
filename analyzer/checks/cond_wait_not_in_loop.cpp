#include "analyzer/checks/cond_wait_not_in_loop.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Stmt.h>

#include "analyzer/source_location.h"

namespace baton::analyzer {

std::vector<FixIt> if_to_while_fixits(const clang::IfStmt& branch, clang::ASTContext& context) {
    if (branch.getElse() || branch.getInit() || branch.getConditionVariable() ||
        branch.isConstexpr() || branch.getIfLoc().isMacroID())
        return {};
    report::SourceLocation begin = to_report_location(branch.getIfLoc(), context);
    report::SourceLocation end = begin;
    end.column += 2;
    return {FixIt{begin, end, "while"}};
}

// The loop re-checks the predicate when one of its tests runs with the wait's mutex held.
// A wait without the mutex held is baton-cond-wait-unlocked's; here any loop test will do.
static bool rechecked(const std::string& function, const CondWait& wait, const ThreadModel& threads) {
    if (wait.waits_with_predicate) return true;
    if (wait.loop_tests_held.empty()) return false;
    std::string mutex = threads.resolve(function, wait.mutex);
    if (wait.mutex.empty() || !threads.effective(function, wait.held).count(mutex)) return true;
    for (const Lockset& held : wait.loop_tests_held)
        if (threads.effective(function, held).count(mutex)) return true;
    return false;
}

void CondWaitNotInLoopCheck::run(const Program& program, const ThreadModel& threads,
                                 std::vector<report::Finding>& findings) const {
    for (const auto& [usr, function] : program.functions) {
        for (const CondWait& wait : function.waits) {
            if (rechecked(usr, wait, threads)) continue;
            report::Finding finding;
            finding.kind = id();
            finding.location = wait.where;
            std::string predicate = wait.mutex_name.empty()
                                        ? "the predicate"
                                        : "the predicate under '" + wait.mutex_name + "'";
            finding.message = "'" + wait.api + "' is not inside a loop that re-checks " + predicate +
                              "; a wakeup can be spurious, stale or meant for another waiter, so "
                              "wait in 'while (!predicate)'";
            if (wait.enclosing_if.known())
                finding.notes.push_back({"this 'if' tests the predicate only once, before waiting",
                                         wait.enclosing_if});
            if (wait.loop_tests_held.empty()) finding.fixits = wait.fixits;
            findings.push_back(std::move(finding));
        }
    }
}

}  // namespace baton::analyzer
