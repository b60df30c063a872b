// Questions about loops and branches around a statement, asked by the spawn ranges (a thread
// started in a loop), the condition-wait checks (is the wait re-checked in a loop?) and the
// spin-loop finder (what does this loop re-read to decide whether to go round again?).
#pragma once

#include <vector>

namespace clang {
class ASTContext;
class Expr;
class IfStmt;
class ParentMap;
class Stmt;
}  // namespace clang

namespace baton::analyzer {

bool is_loop(const clang::Stmt* stmt);

// The nearest (innermost) or farthest (outermost) loop around `stmt`, below `body`; or null.
const clang::Stmt* innermost_loop(const clang::Stmt* stmt, const clang::ParentMap& parents);
const clang::Stmt* outermost_loop(const clang::Stmt* stmt, const clang::ParentMap& parents);

// The expressions that decide whether `loop` runs again: its condition, or, when that is
// absent or always true (`for (;;)`, `while (1)`), the conditions of the `if`s in its body
// that leave it (`if (done) break;`). Empty for range-for loops.
std::vector<const clang::Expr*> loop_exit_tests(const clang::Stmt* loop,
                                                const clang::ASTContext& context);

// The nearest `if` whose then-branch holds `stmt`, not crossing a loop; or null.
const clang::IfStmt* enclosing_if(const clang::Stmt* stmt, const clang::ParentMap& parents);

// True when `inner` lies inside `outer` (or is it).
bool contains(const clang::Stmt* outer, const clang::Stmt* inner, const clang::ParentMap& parents);

}  // namespace baton::analyzer
