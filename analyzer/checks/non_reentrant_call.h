// baton-non-reentrant-call: a call to a function that POSIX does not require to be thread-safe
// (or that glibc documents as MT-Unsafe), from code that may run in two threads at once with
// another call touching the same hidden state, and no lock held in common. The message names
// the reentrant replacement; for strtok, localtime, gmtime, ctime and asctime a fix-it rewrites
// the call to the `_r` form with a buffer declared at the top of the calling function.
#pragma once

#include <string>
#include <vector>

#include "analyzer/check.h"

namespace clang {
class ASTContext;
class CallExpr;
class FunctionDecl;
}  // namespace clang

namespace baton::analyzer {

struct UnsafeFunction {
    const char* name;
    const char* state;   // functions naming the same state interfere with one another
    const char* advice;  // what to use instead, as the message says it
    bool reader = false; // only reads the state: two readers do not interfere
};

// The entry for a function name, or null when the function is not on the lists.
const UnsafeFunction* find_unsafe_function(const std::string& name);

// Fix-its turning `call` into its reentrant form, when there is a mechanical one.
std::vector<FixIt> reentrant_fixits(const clang::CallExpr& call, const clang::FunctionDecl& within,
                                    clang::ASTContext& context);

class NonReentrantCallCheck : public Check {
public:
    std::string id() const override { return "baton-non-reentrant-call"; }
    std::string summary() const override {
        return "a call to a function that need not be thread-safe (strtok, rand, localtime, ...) "
               "from code that runs in more than one thread";
    }
    void run(const Program& program, const ThreadModel& threads,
             std::vector<report::Finding>& findings) const override;
};

}  // namespace baton::analyzer
