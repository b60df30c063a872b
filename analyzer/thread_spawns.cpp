#include "analyzer/thread_spawns.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/ParentMap.h>
#include <clang/AST/StmtCXX.h>

#include "analyzer/function_name.h"
#include "analyzer/lock_key.h"
#include "analyzer/loops.h"
#include "analyzer/source_location.h"

namespace baton::analyzer {

using namespace clang;

static const Expr* peel(const Expr* e) {
    while (true) {
        e = e->IgnoreParenCasts();
        if (const auto* temporary = dyn_cast<MaterializeTemporaryExpr>(e)) e = temporary->getSubExpr();
        else if (const auto* bind = dyn_cast<CXXBindTemporaryExpr>(e)) e = bind->getSubExpr();
        else if (const auto* cleanups = dyn_cast<ExprWithCleanups>(e)) e = cleanups->getSubExpr();
        else if (const auto* unary = dyn_cast<UnaryOperator>(e); unary && unary->getOpcode() == UO_AddrOf)
            e = unary->getSubExpr();
        else if (const auto* construct = dyn_cast<CXXConstructExpr>(e);
                 construct && construct->getNumArgs() == 1 && !isa<CXXTemporaryObjectExpr>(e))
            e = construct->getArg(0);  // a copy or move of the callable
        else return e;
    }
}

const FunctionDecl* resolve_callable(const Expr* callable) {
    if (!callable) return nullptr;
    const Expr* e = peel(callable);
    if (const auto* lambda = dyn_cast<LambdaExpr>(e)) return lambda->getCallOperator();
    if (const auto* ref = dyn_cast<DeclRefExpr>(e)) {
        if (const auto* function = dyn_cast<FunctionDecl>(ref->getDecl())) return function;
    }
    // A functor or a variable holding a lambda: the thread runs its call operator.
    const CXXRecordDecl* record = e->getType().getNonReferenceType()->getAsCXXRecordDecl();
    if (!record || !record->hasDefinition()) return nullptr;
    if (record->isLambda()) return record->getLambdaCallOperator();
    for (const CXXMethodDecl* method : record->methods())
        if (method->getOverloadedOperator() == OO_Call) return method;
    return nullptr;
}

static void collect_range_loops(const Stmt* stmt, std::map<const VarDecl*, const Expr*>& out) {
    if (!stmt) return;
    if (const auto* range = dyn_cast<CXXForRangeStmt>(stmt))
        out[range->getLoopVariable()] = range->getRangeInit();
    for (const Stmt* child : stmt->children()) collect_range_loops(child, out);
}

ThreadSpawns::ThreadSpawns(const FunctionDecl& function, const ParentMap& parents,
                           const ASTContext& context)
    : function_(function), parents_(parents), context_(context) {}

unsigned ThreadSpawns::begin_of(const Stmt* stmt) const {
    return file_offset(stmt->getBeginLoc(), context_);
}

unsigned ThreadSpawns::end_of(const Stmt* stmt) const {
    return file_offset(stmt->getEndLoc(), context_);
}

std::string ThreadSpawns::root_of(const Expr* handle, bool is_pointer) const {
    if (!handle) return {};
    auto path = is_pointer ? pointee_key(handle, &function_)
                           : lvalue_key(handle->IgnoreParenImpCasts(), &function_);
    if (!path) return {};
    if (!path->root) return path->key.substr(0, path->key.find('}') + 1);
    // `for (auto& t : threads) t.join();` joins what `threads` holds.
    std::map<const VarDecl*, const Expr*> range_loops;
    collect_range_loops(function_.getBody(), range_loops);
    if (auto found = range_loops.find(path->root); found != range_loops.end())
        return root_of(found->second, false);
    return "{" + usr_of(path->root) + "}";
}

std::string ThreadSpawns::handle_of(const Expr* call, const SyncCall& sync) const {
    if (sync.handle) return root_of(sync.handle, sync.handle_is_pointer);
    // std::thread / std::async: the variable, member or container the new object lands in.
    for (const Stmt* up = parents_.getParent(call); up; up = parents_.getParent(up)) {
        if (const auto* declaration = dyn_cast<DeclStmt>(up)) {
            for (const Decl* decl : declaration->decls())
                if (const auto* var = dyn_cast<VarDecl>(decl)) return "{" + usr_of(var) + "}";
            return {};
        }
        if (const auto* assign = dyn_cast<BinaryOperator>(up); assign && assign->isAssignmentOp())
            return root_of(assign->getLHS(), false);
        if (const auto* op = dyn_cast<CXXOperatorCallExpr>(up); op && op->getOperator() == OO_Equal)
            return root_of(op->getArg(0), false);
        if (const auto* member = dyn_cast<CXXMemberCallExpr>(up))
            return root_of(member->getImplicitObjectArgument(), false);
        if (!isa<Expr>(up)) return {};
    }
    return {};
}

void ThreadSpawns::add(const Expr* call, const SyncCall& sync, Function& facts) {
    if (sync.op == SyncOp::Join) {
        joins_.push_back({call, sync, root_of(sync.handle, false)});
        return;
    }
    const FunctionDecl* entry = resolve_callable(sync.callable);
    if (sync.op != SyncOp::Spawn || !entry || sync.deferred) return;
    Spawn spawn;
    spawn.entry = usr_of(entry);
    spawn.entry_name = function_name(*entry);
    spawn.how = sync.api;
    spawn.where = to_report_location(call->getBeginLoc(), context_, facts.name);
    spawn.offset = begin_of(call);
    facts.spawns.push_back(spawn);
    spawns_.push_back({call, sync, handle_of(call, sync), facts.spawns.size() - 1});
}

unsigned ThreadSpawns::end_of_scope(const Expr* call) const {
    const Stmt* last = call;
    for (const Stmt* up = parents_.getParent(call); up; last = up, up = parents_.getParent(up))
        if (isa<CompoundStmt>(up)) return end_of(up);
    return end_of(last);
}

void ThreadSpawns::place_ranges(Function& facts) const {
    for (const ThreadEvent& event : spawns_) {
        Spawn& spawn = facts.spawns[event.spawn_index];
        const ThreadEvent* join = nullptr;
        for (const ThreadEvent& candidate : joins_)
            if (!event.handle.empty() && candidate.handle == event.handle &&
                begin_of(candidate.call) > spawn.offset &&
                (!join || begin_of(candidate.call) < begin_of(join->call)))
                join = &candidate;
        const Stmt* loop = outermost_loop(event.call, parents_);
        const Stmt* inner = innermost_loop(event.call, parents_);
        if (join && inner && inner == innermost_loop(join->call, parents_)) {
            // Started and joined in the same iteration: one thread at a time.
            spawn.running_from = spawn.offset;
            spawn.running_to = end_of(join->call);
            spawn.joined = true;
            continue;
        }
        spawn.in_loop = loop != nullptr;
        spawn.running_from = loop ? begin_of(loop) : spawn.offset;
        if (join) {
            const Stmt* join_loop = outermost_loop(join->call, parents_);
            spawn.running_to = end_of(join_loop ? join_loop : join->call);
            spawn.joined = true;
        } else if (spawn.how == "std::jthread" || spawn.how == "std::async") {
            // A jthread joins, and an async future waits, when it goes out of scope.
            spawn.running_to = end_of_scope(event.call);
            spawn.joined = true;
        } else {
            spawn.running_to = facts.body_end;
        }
    }
}

}  // namespace baton::analyzer
