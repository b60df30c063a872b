// What a call or construction means for concurrency: POSIX threads, C11 <threads.h> and the
// C++ standard library, recognised by name and namespace. The lockset analysis, the spawn
// ranges and the checks all ask this one place, so a new API is taught here once.
#pragma once

#include <string>
#include <vector>

namespace clang {
class Expr;
class QualType;
}  // namespace clang

namespace baton::analyzer {

enum class SyncOp {
    None,
    Lock,        // `mutexes` are acquired
    TryLock,     // acquired only when the call reports success
    Unlock,      // `mutexes` are released
    GuardLock,   // a lock_guard/unique_lock/scoped_lock constructed over `mutexes`
    GuardAdopt,  // a guard adopting mutexes already held (std::adopt_lock)
    GuardDefer,  // a guard that does not lock yet (std::defer_lock, std::try_to_lock)
    GuardMemberLock,    // `guard.lock()` on a unique_lock
    GuardMemberUnlock,  // `guard.unlock()`
    CondWait,    // waits on `condvar`, releasing and retaking `mutexes[0]`
    Spawn,       // starts a thread running `callable`
    Join,        // waits for the thread or future `handle`
    ThreadExit,  // ends the calling thread
    Blocking,    // blocks until another thread acts (semaphore, barrier, I/O)
    Sleep,       // sleeps or yields without waiting for anyone
};

// The pieces of one recognised call. Expressions point into the AST: a pthread mutex is a
// pointer expression, a std::mutex an lvalue (`mutex_is_lvalue`).
struct SyncCall {
    SyncOp op = SyncOp::None;
    std::string api;  // how the report names the operation: `pthread_mutex_lock`
    std::vector<const clang::Expr*> mutexes;
    bool mutex_is_lvalue = false;
    const clang::Expr* condvar = nullptr;
    const clang::Expr* callable = nullptr;  // Spawn: the thread's function or lambda
    const clang::Expr* handle = nullptr;    // Spawn/Join: the thread handle or guard object
    bool handle_is_pointer = false;         // pthread_create(&t, ...) vs t.join()
    bool waits_with_predicate = false;      // cv.wait(lock, pred): loops internally
    bool deferred = false;                  // std::async(std::launch::deferred, ...)
};

// Classifies a CallExpr, CXXMemberCallExpr or CXXConstructExpr; op None when not concurrency.
SyncCall classify_sync(const clang::Expr* call);

// True for synchronisation objects and atomics (and arrays of them): using one is not a race.
bool is_sync_or_atomic(const clang::QualType& type);

}  // namespace baton::analyzer
