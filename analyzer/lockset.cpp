#include "analyzer/lockset.h"

#include <deque>

#include <clang/AST/ASTContext.h>
#include <clang/AST/Expr.h>
#include <clang/AST/ExprCXX.h>
#include <clang/Analysis/CFG.h>

#include "analyzer/lock_key.h"
#include "analyzer/source_location.h"
#include "analyzer/sync_api.h"

namespace baton::analyzer {

using namespace clang;

bool merge_lock_state(LockState& into, const LockState& incoming) {
    bool changed = false;
    for (auto it = into.must.begin(); it != into.must.end();) {
        if (incoming.must.count(it->first)) {
            ++it;
        } else {
            it = into.must.erase(it);
            changed = true;
        }
    }
    auto unite = [&changed](auto& target, const auto& source) {
        for (const auto& item : source) changed |= target.insert(item).second;
    };
    unite(into.may, incoming.may);
    unite(into.released, incoming.released);
    unite(into.owning, incoming.owning);
    return changed;
}

LocksetAnalysis::LocksetAnalysis(const FunctionDecl& function, ASTContext& context,
                                 Program& program, SummaryLookup summary_of)
    : function_(function), context_(context), program_(program),
      summary_of_(std::move(summary_of)) {}

LocksetAnalysis::~LocksetAnalysis() = default;

bool LocksetAnalysis::run() {
    CFG::BuildOptions options;
    options.AddImplicitDtors = true;
    options.AddTemporaryDtors = true;
    options.AddInitializers = true;
    options.setAllAlwaysAdd();
    cfg_ = CFG::buildCFG(&function_, function_.getBody(), &context_, options);
    if (!cfg_) return false;
    // Every block is visited at least once; loops revisit until the states stop changing,
    // which they must: must-sets only shrink and the other sets only grow, over finite keys.
    std::deque<const CFGBlock*> worklist{&cfg_->getEntry()};
    entry_states_[cfg_->getEntry().getBlockID()] = LockState{};
    std::set<unsigned> queued{cfg_->getEntry().getBlockID()};
    while (!worklist.empty()) {
        const CFGBlock* block = worklist.front();
        worklist.pop_front();
        queued.erase(block->getBlockID());
        LockState state = entry_states_[block->getBlockID()];
        for (const CFGElement& element : *block) transfer(element, state);
        unsigned index = 0;
        for (const CFGBlock::AdjacentBlock& successor : block->succs()) {
            unsigned which = index++;
            if (!successor.isReachable()) continue;
            const CFGBlock* next = successor.getReachableBlock();
            LockState along = edge_state(*block, which, state);
            auto [slot, first] = entry_states_.try_emplace(next->getBlockID(), along);
            bool changed = first || merge_lock_state(slot->second, along);
            if (changed && queued.insert(next->getBlockID()).second) worklist.push_back(next);
        }
    }
    return true;
}

void LocksetAnalysis::replay(const ElementVisitor& on_element, const ExitVisitor& on_exit) {
    const CFGBlock& exit = cfg_->getExit();
    for (const CFGBlock* block : *cfg_) {
        auto found = entry_states_.find(block->getBlockID());
        if (found == entry_states_.end() || block == &exit) continue;
        LockState state = found->second;
        for (const CFGElement& element : *block) {
            // Only calls, declarations and destructors change locks: copy the state for those.
            auto statement = element.getAs<CFGStmt>();
            bool may_change = !statement || isa<CallExpr>(statement->getStmt()) ||
                              isa<DeclStmt>(statement->getStmt());
            if (!may_change) {
                on_element(element, state, {});
                continue;
            }
            LockState before = state;
            std::vector<std::string> acquired = transfer(element, state);
            on_element(element, before, acquired);
        }
        for (const CFGBlock::AdjacentBlock& successor : block->succs())
            if (successor.getReachableBlock() == &exit) on_exit(*block, state);
    }
}

std::vector<std::string> LocksetAnalysis::mutex_keys(const SyncCall& call) {
    std::vector<std::string> keys;
    for (const Expr* mutex : call.mutexes) {
        auto path = call.mutex_is_lvalue ? lvalue_key(mutex, &function_)
                                         : pointee_key(mutex, &function_);
        if (!path) continue;
        program_.lock_names.try_emplace(path->key, spelled(mutex, context_));
        keys.push_back(path->key);
    }
    return keys;
}

std::vector<std::string> LocksetAnalysis::guard_mutexes(const VarDecl* guard) const {
    auto found = guards_.find(guard);
    return found == guards_.end() ? std::vector<std::string>{} : found->second;
}

void LocksetAnalysis::acquire(const std::vector<std::string>& keys, const Stmt* where,
                              LockState& state) {
    for (const std::string& key : keys) {
        state.must[key] = to_report_location(where->getBeginLoc(), context_);
        state.may.insert(key);
    }
}

void LocksetAnalysis::release(const std::vector<std::string>& keys, LockState& state) {
    for (const std::string& key : keys) {
        if (!state.may.count(key)) state.released.insert(key);
        state.must.erase(key);
        state.may.erase(key);
    }
}

std::vector<std::string> LocksetAnalysis::transfer(const CFGElement& element, LockState& state) {
    if (auto statement = element.getAs<CFGStmt>()) {
        const Stmt* stmt = statement->getStmt();
        if (isa<DeclStmt>(stmt)) return bind_guards(stmt, state);
        if (const auto* expr = dyn_cast<Expr>(stmt)) return transfer_call(expr, state);
        return {};
    }
    if (auto destructor = element.getAs<CFGAutomaticObjDtor>()) {
        const VarDecl* guard = destructor->getVarDecl();
        if (state.owning.erase(guard)) release(guard_mutexes(guard), state);
    }
    return {};
}

static const VarDecl* guard_variable(const Expr* handle) {
    const auto* ref = handle ? dyn_cast<DeclRefExpr>(handle->IgnoreParenImpCasts()) : nullptr;
    return ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
}

std::vector<std::string> LocksetAnalysis::transfer_call(const Expr* call, LockState& state) {
    if (!isa<CallExpr>(call)) return {};
    SyncCall sync = classify_sync(call);
    switch (sync.op) {
    case SyncOp::Lock: {
        std::vector<std::string> keys = mutex_keys(sync);
        acquire(keys, call, state);
        return keys;
    }
    case SyncOp::Unlock:
        release(mutex_keys(sync), state);
        return {};
    case SyncOp::GuardMemberLock: {
        const VarDecl* guard = guard_variable(sync.handle);
        std::vector<std::string> keys = guard_mutexes(guard);
        acquire(keys, call, state);
        state.owning.insert(guard);
        return keys;
    }
    case SyncOp::GuardMemberUnlock: {
        const VarDecl* guard = guard_variable(sync.handle);
        state.owning.erase(guard);
        release(guard_mutexes(guard), state);
        return {};
    }
    case SyncOp::None:
        return apply_summary(call, state);
    default:
        return {};
    }
}

std::vector<std::string> LocksetAnalysis::bind_guards(const Stmt* declaration, LockState& state) {
    std::vector<std::string> acquired;
    for (const Decl* decl : cast<DeclStmt>(declaration)->decls()) {
        const auto* var = dyn_cast<VarDecl>(decl);
        const Expr* init = var ? var->getInit() : nullptr;
        const auto* construct = init ? dyn_cast<CXXConstructExpr>(init->IgnoreImplicit()) : nullptr;
        if (!construct) continue;
        SyncCall sync = classify_sync(construct);
        if (sync.op != SyncOp::GuardLock && sync.op != SyncOp::GuardAdopt &&
            sync.op != SyncOp::GuardDefer)
            continue;
        std::vector<std::string> keys = mutex_keys(sync);
        guards_[var] = keys;
        if (sync.op == SyncOp::GuardDefer) continue;
        state.owning.insert(var);
        if (sync.op == SyncOp::GuardLock) {
            acquire(keys, construct, state);
            acquired.insert(acquired.end(), keys.begin(), keys.end());
        }
    }
    return acquired;
}

// The object argument `index` designates for a callee's parameter: what a pointer points to,
// or what a reference binds.
static std::string argument_object(const CallExpr* call, unsigned index,
                                   const FunctionDecl* caller) {
    const Expr* argument = call->getArg(index);
    auto path = argument->getType()->isPointerType() ? pointee_key(argument, caller)
                                                      : lvalue_key(argument, caller);
    return path ? path->key : std::string{};
}

std::vector<std::string> LocksetAnalysis::apply_summary(const Expr* expr, LockState& state) {
    const auto* call = cast<CallExpr>(expr);
    const FunctionDecl* callee = call->getDirectCallee();
    const Function* summary = callee ? summary_of_(callee) : nullptr;
    if (!summary) return {};
    auto resolve = [&](const std::string& key) -> std::string {
        if (!is_parameter_key(key)) return key;
        for (unsigned i = 0; i < call->getNumArgs(); ++i) {
            std::string object = argument_object(call, i, &function_);
            std::string bound = object.empty() ? "" : substitute_parameter(key, summary->usr, i, object);
            if (!bound.empty()) return bound;
        }
        return {};
    };
    std::vector<std::string> released, acquired;
    for (const std::string& key : summary->releases_for_caller)
        if (std::string bound = resolve(key); !bound.empty()) released.push_back(bound);
    for (const std::string& key : summary->acquires_for_caller)
        if (std::string bound = resolve(key); !bound.empty()) acquired.push_back(bound);
    release(released, state);
    acquire(acquired, call, state);
    return acquired;
}

// Finds a trylock call in a branch condition and whether the true branch means "acquired".
static const Expr* find_trylock(const Expr* condition, bool& acquired_on_true,
                                const ASTContext& context) {
    const Expr* e = condition->IgnoreParenImpCasts();
    if (const auto* unary = dyn_cast<UnaryOperator>(e); unary && unary->getOpcode() == UO_LNot) {
        const Expr* inner = find_trylock(unary->getSubExpr(), acquired_on_true, context);
        acquired_on_true = !acquired_on_true;
        return inner;
    }
    if (const auto* binary = dyn_cast<BinaryOperator>(e);
        binary && (binary->getOpcode() == BO_EQ || binary->getOpcode() == BO_NE)) {
        Expr::EvalResult value;
        const Expr* other = binary->getLHS();
        if (!binary->getRHS()->EvaluateAsInt(value, context)) {
            if (!binary->getLHS()->EvaluateAsInt(value, context)) return nullptr;
            other = binary->getRHS();
        }
        if (value.Val.getInt() != 0) return nullptr;
        const Expr* inner = find_trylock(other, acquired_on_true, context);
        if (binary->getOpcode() == BO_EQ) acquired_on_true = !acquired_on_true;
        return inner;
    }
    if (!isa<CallExpr>(e) || classify_sync(e).op != SyncOp::TryLock) return nullptr;
    // std::mutex::try_lock returns true on success; the C functions return 0 on success.
    acquired_on_true = e->getType()->isBooleanType();
    return e;
}

LockState LocksetAnalysis::edge_state(const CFGBlock& block, unsigned successor, LockState out) {
    const Stmt* terminator = block.getTerminatorCondition();
    const auto* condition = dyn_cast_or_null<Expr>(terminator);
    if (!condition || block.succ_size() != 2) return out;
    bool acquired_on_true = false;
    const Expr* trylock = find_trylock(condition, acquired_on_true, context_);
    if (!trylock) return out;
    if ((successor == 0) == acquired_on_true) acquire(mutex_keys(classify_sync(trylock)), trylock, out);
    return out;
}

}  // namespace baton::analyzer
