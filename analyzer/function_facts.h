// Builds the program model's record of one function from its AST: replays the lockset
// analysis over the CFG and notes, with the locks held at each point, every access to shared
// storage, call, acquisition, spawn, join, condition wait and exit; then finds the spin loops
// and which waits sit in a loop that re-checks their predicate.
#pragma once

#include <map>
#include <set>
#include <vector>

#include "analyzer/lockset.h"
#include "analyzer/program.h"

namespace clang {
class ASTContext;
class CallExpr;
class DeclRefExpr;
class Expr;
class FunctionDecl;
class ParentMap;
class ReturnStmt;
class Stmt;
class VarDecl;
}  // namespace clang

namespace baton::analyzer {

struct SyncCall;
class ThreadSpawns;

// Fills `facts` for `function`; false when Clang cannot build its CFG (the function is then
// left out of the model).
bool build_function_facts(const clang::FunctionDecl& function, clang::ASTContext& context,
                          Program& program, const LocksetAnalysis::SummaryLookup& summary_of,
                          const std::set<const clang::VarDecl*>& captured_by_reference,
                          Function& facts);

}  // namespace baton::analyzer
