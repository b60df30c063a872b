// Deciding whether a name in the source touches shared storage, and how: read, write, or
// both (`x++`, `x += 1`), through fields and constant-index elements of it. Shared storage is
// a variable with static storage duration that is not thread-local, const, atomic or a
// synchronisation object, or a local captured by reference in a lambda (threads started with
// that lambda share it with the function that owns it).
#pragma once

#include <optional>
#include <set>

#include "analyzer/lock_key.h"

namespace clang {
class ASTContext;
class DeclRefExpr;
class Expr;
class FunctionDecl;
class ParentMap;
class VarDecl;
}  // namespace clang

namespace baton::analyzer {

struct SharedUse {
    KeyPath path;
    const clang::Expr* whole = nullptr;  // the largest lvalue around the name (`s.a[2]`)
    bool reads = false;
    bool writes = false;
};

// The use of shared storage `ref` makes, or nullopt when it makes none that matters (not
// shared, address only taken, unevaluated).
std::optional<SharedUse> shared_use(const clang::DeclRefExpr& ref, const clang::ParentMap& parents,
                                    const clang::FunctionDecl& within,
                                    const std::set<const clang::VarDecl*>& captured_by_reference);

// True for variables the analysis treats as shared storage at all.
bool is_shared_storage(const clang::VarDecl& var,
                       const std::set<const clang::VarDecl*>& captured_by_reference);

}  // namespace baton::analyzer
