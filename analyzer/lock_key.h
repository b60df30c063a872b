// Naming memory the way the analysis compares it: a "key" for a mutex or a shared variable
// that is the same string wherever the same object is named, across functions and files.
//
// Grammar: a root in braces, then a path. Roots are `{USR}` for a variable, `{P<i>@USR}` for
// the object the i-th parameter of function USR refers to (substituted by the argument at each
// call site), `{this:Class}` for the object a member function runs on. Paths are `.field`,
// `[n]` (constant index), `[*]` (any index) and `->` (what a pointer points to).
// `{c:@m}` is `pthread_mutex_t m`, `{c:@acct}.lock` is `acct.lock`, `{P0@c:@F@put}.lock` is
// `q->lock` inside `put(struct queue* q)`.
#pragma once

#include <optional>
#include <string>

namespace clang {
class ASTContext;
class Decl;
class Expr;
class FunctionDecl;
class VarDecl;
}  // namespace clang

namespace baton::analyzer {

struct KeyPath {
    std::string key;
    const clang::VarDecl* root = nullptr;  // the variable the path starts from, if any
    bool through_pointer = false;          // the path dereferences a pointer
    bool dynamic_index = false;            // the path indexes an array with a non-constant
};

// The object an lvalue expression designates (`m`, `s.lock`, `*p`, `locks[i]`).
std::optional<KeyPath> lvalue_key(const clang::Expr* lvalue, const clang::FunctionDecl* within);

// The object a pointer expression points to (`&m`, `p`, `&q->lock`).
std::optional<KeyPath> pointee_key(const clang::Expr* pointer, const clang::FunctionDecl* within);

// The root written for parameter `index` of `function` ("{P0@c:@F@put}").
std::string parameter_root(const std::string& function_usr, unsigned index);

// Replaces a parameter root in `key` by `argument` (a key); "" when `key` has no such root.
std::string substitute_parameter(const std::string& key, const std::string& function_usr,
                                 unsigned index, const std::string& argument);

// True when `key` is rooted at a parameter of some function (unresolved outside it).
bool is_parameter_key(const std::string& key);

// Clang's unified symbol resolution string: equal for one entity across translation units.
std::string usr_of(const clang::Decl* decl);

// How the source spells an expression, without a leading `&` ("mutexFuel", "q->lock").
std::string spelled(const clang::Expr* expr, const clang::ASTContext& context);

}  // namespace baton::analyzer
