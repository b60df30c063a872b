// Where threads start and stop inside one function: the function a spawn runs, the thread
// handle it fills, the join that waits for it, and so the stretch of source during which the
// new thread may run beside its creator. Spawns in a loop start from the top of the outermost
// loop (the next iteration runs beside the last thread); joins in a loop end at its bottom.
#pragma once

#include <string>
#include <vector>

#include "analyzer/program.h"
#include "analyzer/sync_api.h"

namespace clang {
class ASTContext;
class Expr;
class FunctionDecl;
class ParentMap;
class Stmt;
}  // namespace clang

namespace baton::analyzer {

// The function a thread runs, given the callable handed to pthread_create, std::thread, ...:
// a function name, a lambda, a functor object, or null when it cannot be told statically.
const clang::FunctionDecl* resolve_callable(const clang::Expr* callable);

struct ThreadEvent {
    const clang::Expr* call = nullptr;
    SyncCall sync;
    std::string handle;  // key of the root variable of the thread handle ("" when unknown)
    std::size_t spawn_index = 0;  // for spawns: index into Function::spawns
};

class ThreadSpawns {
public:
    ThreadSpawns(const clang::FunctionDecl& function, const clang::ParentMap& parents,
                 const clang::ASTContext& context);

    // Records a spawn or join met during the walk over the function.
    void add(const clang::Expr* call, const SyncCall& sync, Function& facts);

    // Fills running_from/running_to/joined/in_loop of every spawn in `facts`.
    void place_ranges(Function& facts) const;

private:
    std::string handle_of(const clang::Expr* call, const SyncCall& sync) const;
    std::string root_of(const clang::Expr* handle, bool is_pointer) const;
    unsigned end_of_scope(const clang::Expr* call) const;
    unsigned begin_of(const clang::Stmt* stmt) const;
    unsigned end_of(const clang::Stmt* stmt) const;

    const clang::FunctionDecl& function_;
    const clang::ParentMap& parents_;
    const clang::ASTContext& context_;
    std::vector<ThreadEvent> spawns_;
    std::vector<ThreadEvent> joins_;
};

}  // namespace baton::analyzer
