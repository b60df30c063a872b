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

void CondWaitNotInLoopCheck::run(const Program& program, const ThreadModel&,
                                 std::vector<report::Finding>& findings) const {
    for (const auto& [usr, function] : program.functions) {
        for (const CondWait& wait : function.waits) {
            if (wait.rechecked_in_loop) continue;
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
            finding.fixits = wait.fixits;
            findings.push_back(std::move(finding));
        }
    }
}

}  // namespace baton::analyzer
