#include "analyzer/loops.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Expr.h>
#include <clang/AST/ParentMap.h>
#include <clang/AST/Stmt.h>
#include <clang/AST/StmtCXX.h>

namespace baton::analyzer {

using namespace clang;

bool is_loop(const Stmt* stmt) {
    return isa<WhileStmt>(stmt) || isa<DoStmt>(stmt) || isa<ForStmt>(stmt) ||
           isa<CXXForRangeStmt>(stmt);
}

const Stmt* innermost_loop(const Stmt* stmt, const ParentMap& parents) {
    for (const Stmt* up = parents.getParent(stmt); up; up = parents.getParent(up))
        if (is_loop(up)) return up;
    return nullptr;
}

const Stmt* outermost_loop(const Stmt* stmt, const ParentMap& parents) {
    const Stmt* found = nullptr;
    for (const Stmt* up = parents.getParent(stmt); up; up = parents.getParent(up))
        if (is_loop(up)) found = up;
    return found;
}

bool contains(const Stmt* outer, const Stmt* inner, const ParentMap& parents) {
    for (const Stmt* up = inner; up; up = parents.getParent(up))
        if (up == outer) return true;
    return false;
}

static bool always_true(const Expr* condition, const ASTContext& context) {
    if (!condition) return true;
    bool value = false;
    return condition->EvaluateAsBooleanCondition(value, context) && value;
}

static bool leaves_loop(const Stmt* branch) {
    if (!branch) return false;
    if (isa<BreakStmt>(branch) || isa<ReturnStmt>(branch) || isa<GotoStmt>(branch)) return true;
    const auto* block = dyn_cast<CompoundStmt>(branch);
    return block && !block->body_empty() && leaves_loop(block->body_back());
}

// Collects `if (...) break;` style exits, not descending into nested loops (their breaks
// leave them, not `loop`).
static void collect_exits(const Stmt* stmt, std::vector<const Expr*>& tests) {
    if (!stmt || is_loop(stmt)) return;
    if (const auto* branch = dyn_cast<IfStmt>(stmt)) {
        if (leaves_loop(branch->getThen()) || leaves_loop(branch->getElse()))
            tests.push_back(branch->getCond());
    }
    for (const Stmt* child : stmt->children()) collect_exits(child, tests);
}

static const Expr* condition_of(const Stmt* loop) {
    if (const auto* w = dyn_cast<WhileStmt>(loop)) return w->getCond();
    if (const auto* d = dyn_cast<DoStmt>(loop)) return d->getCond();
    if (const auto* f = dyn_cast<ForStmt>(loop)) return f->getCond();
    return nullptr;
}

static const Stmt* body_of(const Stmt* loop) {
    if (const auto* w = dyn_cast<WhileStmt>(loop)) return w->getBody();
    if (const auto* d = dyn_cast<DoStmt>(loop)) return d->getBody();
    if (const auto* f = dyn_cast<ForStmt>(loop)) return f->getBody();
    return nullptr;
}

std::vector<const Expr*> loop_exit_tests(const Stmt* loop, const ASTContext& context) {
    if (isa<CXXForRangeStmt>(loop)) return {};
    const Expr* condition = condition_of(loop);
    if (!always_true(condition, context)) return {condition};
    std::vector<const Expr*> tests;
    if (const Stmt* body = body_of(loop))
        for (const Stmt* child : body->children()) collect_exits(child, tests);
    if (const Stmt* body = body_of(loop); body && !isa<CompoundStmt>(body))
        collect_exits(body, tests);
    return tests;
}

const IfStmt* enclosing_if(const Stmt* stmt, const ParentMap& parents) {
    const Stmt* child = stmt;
    for (const Stmt* up = parents.getParent(stmt); up; child = up, up = parents.getParent(up)) {
        if (is_loop(up)) return nullptr;
        if (const auto* branch = dyn_cast<IfStmt>(up); branch && branch->getThen() == child)
            return branch;
    }
    return nullptr;
}

}  // namespace baton::analyzer
