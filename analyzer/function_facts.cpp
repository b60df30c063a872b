#include "analyzer/function_facts.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Expr.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/ParentMap.h>
#include <clang/Analysis/CFG.h>
#include <clang/Basic/SourceManager.h>

#include "analyzer/checks/cond_wait_not_in_loop.h"
#include "analyzer/checks/non_reentrant_call.h"
#include "analyzer/function_name.h"
#include "analyzer/lock_key.h"
#include "analyzer/loops.h"
#include "analyzer/shared_access.h"
#include "analyzer/source_location.h"
#include "analyzer/sync_api.h"
#include "analyzer/thread_spawns.h"

namespace baton::analyzer {

using namespace clang;

namespace {

// One walk over one function. Owns the per-walk scratch state; writes into `facts_`.
class FactsBuilder {
public:
    FactsBuilder(const FunctionDecl& function, ASTContext& context, Program& program,
                 const std::set<const VarDecl*>& captured, Function& facts,
                 LocksetAnalysis& locks)
        : function_(function), context_(context), program_(program), captured_(captured),
          facts_(facts), locks_(locks), parents_(function.getBody()),
          spawns_(function, parents_, context) {}

    void run() {
        collect_loop_tests(function_.getBody());
        locks_.replay(
            [this](const CFGElement& element, const LockState& before,
                   const std::vector<std::string>& acquired) { on_element(element, before, acquired); },
            [this](const CFGBlock& last, const LockState& out) { on_exit(last, out); });
        spawns_.place_ranges(facts_);
        finish_waits();
        find_spin_loops(function_.getBody());
        summarize();
    }

private:
    SourceLocation where(clang::SourceLocation location) const {
        return to_report_location(location, context_, facts_.name);
    }

    void on_element(const CFGElement& element, const LockState& before,
                    const std::vector<std::string>& acquired) {
        auto statement = element.getAs<CFGStmt>();
        if (!statement) return;
        const Stmt* stmt = statement->getStmt();
        if (loop_tests_.count(stmt)) held_at_[stmt] = before.must;
        if (const auto* ref = dyn_cast<DeclRefExpr>(stmt)) record_access(*ref, before);
        if (const auto* ret = dyn_cast<ReturnStmt>(stmt)) record_escape(*ret);
        const auto* call = dyn_cast<Expr>(stmt);
        if (call && (isa<CallExpr>(call) || isa<CXXConstructExpr>(call)))
            record_sync(call, before, acquired);
        if (const auto* declaration = dyn_cast<DeclStmt>(stmt))
            for (const std::string& key : acquired) record_acquire(key, declaration, before);
    }

    void record_access(const DeclRefExpr& ref, const LockState& before) {
        auto use = shared_use(ref, parents_, function_, captured_);
        if (!use) return;
        std::string key = use->path.key;
        bool indexed = use->path.dynamic_index;
        if (indexed) key = key.substr(0, key.find("[*]"));
        const auto* var = cast<VarDecl>(ref.getDecl());
        if (!program_.variables.count(key)) {
            Variable variable;
            variable.name = indexed ? var->getNameAsString() : spelled(use->whole, context_);
            variable.type = use->whole->getType().getAsString();
            variable.declared = to_report_location(var->getLocation(), context_);
            variable.static_local = var->isStaticLocal();
            if (const auto* owner = dyn_cast<FunctionDecl>(var->getDeclContext()))
                variable.owner = usr_of(owner);
            variable.is_volatile = use->whole->getType().isVolatileQualified();
            program_.variables[key] = variable;
        }
        Access access{key, use->reads, use->writes, where(ref.getLocation()),
                      file_offset(ref.getLocation(), context_), before.must};
        access.indexed = indexed;
        facts_.accesses.push_back(std::move(access));
    }

    void record_acquire(const std::string& key, const Stmt* at, const LockState& before) {
        facts_.acquires.push_back(
            {key, where(at->getBeginLoc()), file_offset(at->getBeginLoc(), context_), before.must});
    }

    void record_sync(const Expr* call, const LockState& before,
                     const std::vector<std::string>& acquired) {
        SyncCall sync = classify_sync(call);
        for (const std::string& key : acquired) record_acquire(key, call, before);
        if (sync.op == SyncOp::Spawn || sync.op == SyncOp::Join) spawns_.add(call, sync, facts_);
        if (sync.op == SyncOp::CondWait) record_wait(call, sync, before);
        if (sync.op == SyncOp::Blocking || sync.op == SyncOp::CondWait || sync.op == SyncOp::Join)
            waits_for_others_.push_back(file_offset(call->getBeginLoc(), context_));
        if (sync.op == SyncOp::Sleep) sleeps_.push_back(file_offset(call->getBeginLoc(), context_));
        if (const auto* plain = dyn_cast<CallExpr>(call); plain && sync.op == SyncOp::None)
            record_call(*plain, before);
    }

    void record_call(const CallExpr& call, const LockState& before) {
        const FunctionDecl* callee = call.getDirectCallee();
        if (!callee) return;
        Call record;
        record.callee = usr_of(callee);
        record.callee_name = callee->getNameAsString();
        record.system = context_.getSourceManager().isInSystemHeader(callee->getLocation());
        record.where = where(call.getBeginLoc());
        record.offset = file_offset(call.getBeginLoc(), context_);
        record.held = before.must;
        for (unsigned i = 0; i < call.getNumArgs(); ++i) {
            const Expr* argument = call.getArg(i);
            auto path = argument->getType()->isPointerType() ? pointee_key(argument, &function_)
                                                              : lvalue_key(argument, &function_);
            record.arg_objects.push_back(path ? path->key : std::string{});
        }
        if (record.system) record.fixits = reentrant_fixits(call, function_, context_);
        facts_.calls.push_back(std::move(record));
    }

    void record_wait(const Expr* call, const SyncCall& sync, const LockState& before) {
        CondWait wait;
        wait.api = sync.api;
        wait.where = where(call->getBeginLoc());
        wait.held = before.must;
        if (sync.condvar) wait.condvar = spelled(sync.condvar, context_);
        std::vector<std::string> keys;
        if (sync.handle) {  // C++: the unique_lock names the mutex
            const auto* ref = dyn_cast<DeclRefExpr>(sync.handle->IgnoreParenImpCasts());
            const auto* guard = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
            keys = locks_.guard_mutexes(guard);
            // A guard that does not own its mutex here makes the wait undefined, like a C
            // wait without the lock: model it as "mutex not held".
            if (guard && !before.owning.count(guard) && !keys.empty()) wait.held.erase(keys[0]);
        } else {
            keys = locks_.mutex_keys(sync);
        }
        if (!keys.empty()) {
            wait.mutex = keys[0];
            wait.mutex_name = program_.lock_name(keys[0]);
        }
        wait.waits_with_predicate = sync.waits_with_predicate;
        facts_.waits.push_back(std::move(wait));
        pending_waits_.push_back(call);
    }

    void record_escape(const ReturnStmt& ret) {
        const Expr* value = ret.getRetValue();
        if (!value) return;
        value = value->IgnoreParenCasts();
        if (const auto* unary = dyn_cast<UnaryOperator>(value); unary && unary->getOpcode() == UO_AddrOf)
            value = unary->getSubExpr()->IgnoreParenImpCasts();
        while (const auto* subscript = dyn_cast<ArraySubscriptExpr>(value))
            value = subscript->getBase()->IgnoreParenImpCasts();
        const auto* ref = dyn_cast<DeclRefExpr>(value);
        const auto* var = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
        if (!var || !var->isStaticLocal() || !is_shared_storage(*var, captured_)) return;
        std::string key = "{" + usr_of(var) + "}";
        facts_.escapes.push_back({key, where(ret.getBeginLoc())});
        if (!program_.variables.count(key)) {
            Variable variable{var->getNameAsString(), var->getType().getAsString(),
                              to_report_location(var->getLocation(), context_), true,
                              facts_.usr};
            program_.variables[key] = variable;
        }
    }

    void on_exit(const CFGBlock& last, const LockState& out) {
        Exit exit;
        exit.how = "end of function";
        exit.where = where(function_.getBody()->getEndLoc());
        for (const CFGElement& element : last) {
            auto statement = element.getAs<CFGStmt>();
            if (!statement) continue;
            const Stmt* stmt = statement->getStmt();
            if (isa<ReturnStmt>(stmt)) exit.how = "return", exit.where = where(stmt->getBeginLoc());
            if (isa<CXXThrowExpr>(stmt)) exit.how = "throw", exit.where = where(stmt->getBeginLoc());
            const auto* call = dyn_cast<CallExpr>(stmt);
            const FunctionDecl* callee = call ? call->getDirectCallee() : nullptr;
            if (!callee || !callee->isNoReturn()) continue;
            if (classify_sync(call).op != SyncOp::ThreadExit) return;  // exit(), abort(): process ends
            exit.how = callee->getNameAsString();
            exit.where = where(call->getBeginLoc());
        }
        exit.held = out.must;
        exit.maybe_held = out.may;
        facts_.exits.push_back(std::move(exit));
        released_.insert(out.released.begin(), out.released.end());
    }

    // Every expression inside a loop's exit tests: the only places whose locks are asked later.
    void collect_loop_tests(const Stmt* stmt) {
        if (!stmt) return;
        if (is_loop(stmt))
            for (const Expr* test : loop_exit_tests(stmt, context_)) add_subtree(test);
        for (const Stmt* child : stmt->children()) collect_loop_tests(child);
    }

    void add_subtree(const Stmt* stmt) {
        if (!stmt) return;
        loop_tests_.insert(stmt);
        for (const Stmt* child : stmt->children()) add_subtree(child);
    }

    const Lockset* held_at(const Stmt* stmt) const {
        if (!stmt) return nullptr;
        if (auto found = held_at_.find(stmt); found != held_at_.end()) return &found->second;
        for (const Stmt* child : stmt->children())
            if (const Lockset* held = held_at(child)) return held;
        return nullptr;
    }

    // Where the innermost loop around each wait tests whether to go round again, and what is
    // held there; the check decides (with the callers' locks) whether that re-tests the
    // predicate under the mutex.
    void finish_waits() {
        for (std::size_t i = 0; i < pending_waits_.size(); ++i) {
            CondWait& wait = facts_.waits[facts_.waits.size() - pending_waits_.size() + i];
            const Expr* call = pending_waits_[i];
            if (const IfStmt* branch = enclosing_if(call, parents_)) {
                wait.enclosing_if = where(branch->getIfLoc());
                wait.fixits = if_to_while_fixits(*branch, context_);
            }
            const Stmt* loop = innermost_loop(call, parents_);
            if (!loop) continue;
            for (const Expr* test : loop_exit_tests(loop, context_)) {
                const Lockset* held = held_at(test);
                wait.loop_tests_held.push_back(held ? *held : Lockset{});
            }
        }
    }

    bool any_in(const std::vector<unsigned>& offsets, unsigned from, unsigned to) const {
        for (unsigned offset : offsets)
            if (offset >= from && offset <= to) return true;
        return false;
    }

    void find_spin_loops(const Stmt* stmt) {
        if (!stmt) return;
        if (is_loop(stmt)) consider_spin(stmt);
        for (const Stmt* child : stmt->children()) find_spin_loops(child);
    }

    // A spin: the loop re-reads shared storage that nothing in it writes, and it does no
    // work (no calls into the program, no writes to shared storage) and waits for no one.
    void consider_spin(const Stmt* loop) {
        unsigned from = file_offset(loop->getBeginLoc(), context_);
        unsigned to = file_offset(loop->getEndLoc(), context_);
        if (any_in(waits_for_others_, from, to)) return;
        for (const Call& call : facts_.calls)
            if (call.offset >= from && call.offset <= to && !call.system) return;
        for (const Access& access : facts_.accesses)
            if (access.offset >= from && access.offset <= to && access.writes) return;
        SpinLoop spin;
        for (const Expr* test : loop_exit_tests(loop, context_)) {
            unsigned test_from = file_offset(test->getBeginLoc(), context_);
            unsigned test_to = file_offset(test->getEndLoc(), context_);
            for (const Access& access : facts_.accesses) {
                if (access.offset < test_from || access.offset > test_to || !access.reads) continue;
                if (std::find(spin.variables.begin(), spin.variables.end(), access.variable) ==
                    spin.variables.end())
                    spin.variables.push_back(access.variable);
                spin.held = spin.variables.size() == 1 ? access.held : spin.held;
            }
        }
        if (spin.variables.empty()) return;
        spin.where = where(loop->getBeginLoc());
        spin.offset = from;
        spin.keyword = isa<DoStmt>(loop) ? "do" : isa<ForStmt>(loop) ? "for" : "while";
        spin.sleeps = any_in(sleeps_, from, to);
        facts_.spins.push_back(std::move(spin));
    }

    // The net effect on the caller: locks held at every normal exit, and caller's locks let go.
    void summarize() {
        bool first = true;
        for (const Exit& exit : facts_.exits) {
            if (exit.how != "return" && exit.how != "end of function") continue;
            std::set<std::string> held;
            for (const auto& [key, at] : exit.held) held.insert(key);
            if (first) facts_.acquires_for_caller = held;
            else
                for (auto it = facts_.acquires_for_caller.begin(); it != facts_.acquires_for_caller.end();)
                    it = held.count(*it) ? std::next(it) : facts_.acquires_for_caller.erase(it);
            first = false;
        }
        facts_.releases_for_caller = released_;
    }

    const FunctionDecl& function_;
    ASTContext& context_;
    Program& program_;
    const std::set<const VarDecl*>& captured_;
    Function& facts_;
    LocksetAnalysis& locks_;
    ParentMap parents_;
    ThreadSpawns spawns_;
    std::set<const Stmt*> loop_tests_;
    std::map<const Stmt*, Lockset> held_at_;
    std::vector<const Expr*> pending_waits_;
    std::vector<unsigned> waits_for_others_;
    std::vector<unsigned> sleeps_;
    std::set<std::string> released_;
};

}  // namespace

bool build_function_facts(const FunctionDecl& function, ASTContext& context, Program& program,
                          const LocksetAnalysis::SummaryLookup& summary_of,
                          const std::set<const VarDecl*>& captured_by_reference,
                          Function& facts) {
    LocksetAnalysis locks(function, context, program, summary_of);
    if (!locks.run()) return false;
    facts.usr = usr_of(&function);
    facts.name = function_name(function);
    facts.where = to_report_location(function.getLocation(), context, facts.name);
    facts.is_main = function.isMain();
    facts.body_end = file_offset(function.getBody()->getEndLoc(), context);
    FactsBuilder builder(function, context, program, captured_by_reference, facts, locks);
    builder.run();
    return true;
}

}  // namespace baton::analyzer
