// Which locks are held at each statement of one function: a forward dataflow over Clang's CFG
// (must-held meets by intersection, may-held by union), through pthread/C11 calls, std::mutex
// members, RAII guards (released by the CFG's implicit destructors) and the summaries of
// callees analyzed before (a helper that locks leaves its caller holding the lock). A
// successful trylock counts only on the branch that tested success.
//
// Invariant: states describe this function's own view; locks the caller held on entry are not
// in them (the thread model adds those), and `released` collects the caller's locks let go.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "analyzer/program.h"

namespace clang {
class ASTContext;
class CFG;
class CFGBlock;
class CFGElement;
class Expr;
class FunctionDecl;
class Stmt;
class VarDecl;
}  // namespace clang

namespace baton::analyzer {

struct SyncCall;

struct LockState {
    Lockset must;
    std::set<std::string> may;
    std::set<std::string> released;
    std::set<const clang::VarDecl*> owning;  // guards that currently own their mutexes
};

class LocksetAnalysis {
public:
    // `summary_of` finds an already analyzed callee (or null) for the call summaries.
    using SummaryLookup = std::function<const Function*(const clang::FunctionDecl*)>;

    LocksetAnalysis(const clang::FunctionDecl& function, clang::ASTContext& context,
                    Program& program, SummaryLookup summary_of);
    ~LocksetAnalysis();

    // Builds the CFG and runs to a fixpoint; false when Clang could not build a CFG.
    bool run();

    // Walks every element of every reachable block once, in block order, with the state
    // before it and the lock keys it acquires; then each exit path with its final state.
    using ElementVisitor = std::function<void(const clang::CFGElement&, const LockState& before,
                                              const std::vector<std::string>& acquired)>;
    using ExitVisitor = std::function<void(const clang::CFGBlock& last, const LockState& out)>;
    void replay(const ElementVisitor& on_element, const ExitVisitor& on_exit);

    // The lock keys a recognised call's mutex arguments name ("" entries dropped).
    std::vector<std::string> mutex_keys(const SyncCall& call);
    // The mutexes a guard variable (lock_guard, unique_lock, ...) was constructed over.
    std::vector<std::string> guard_mutexes(const clang::VarDecl* guard) const;

private:
    std::vector<std::string> transfer(const clang::CFGElement& element, LockState& state);
    std::vector<std::string> transfer_call(const clang::Expr* call, LockState& state);
    std::vector<std::string> bind_guards(const clang::Stmt* declaration, LockState& state);
    std::vector<std::string> apply_summary(const clang::Expr* call, LockState& state);
    LockState edge_state(const clang::CFGBlock& block, unsigned successor, LockState out);
    void acquire(const std::vector<std::string>& keys, const clang::Stmt* where,
                 LockState& state);
    static void release(const std::vector<std::string>& keys, LockState& state);

    const clang::FunctionDecl& function_;
    clang::ASTContext& context_;
    Program& program_;
    SummaryLookup summary_of_;
    std::unique_ptr<clang::CFG> cfg_;
    std::map<unsigned, LockState> entry_states_;  // by block ID, for reached blocks
    std::map<const clang::VarDecl*, std::vector<std::string>> guards_;
};

// Merges `incoming` into `into` (intersection of must, union of the rest); true if changed.
bool merge_lock_state(LockState& into, const LockState& incoming);

}  // namespace baton::analyzer
