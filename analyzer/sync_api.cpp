#include "analyzer/sync_api.h"

#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/Expr.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/Type.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/ADT/StringSet.h>

namespace baton::analyzer {

using namespace clang;

namespace {

// A C function of the POSIX or C11 thread APIs; argument positions, -1 when absent.
struct CFunction {
    const char* name;
    SyncOp op;
    int mutex = -1;
    int condvar = -1;
    int callable = -1;
    int handle = -1;
};

constexpr CFunction kCFunctions[] = {
    {"pthread_mutex_lock", SyncOp::Lock, 0},
    {"pthread_mutex_trylock", SyncOp::TryLock, 0},
    {"pthread_mutex_timedlock", SyncOp::TryLock, 0},
    {"pthread_mutex_clocklock", SyncOp::TryLock, 0},
    {"pthread_mutex_unlock", SyncOp::Unlock, 0},
    {"pthread_spin_lock", SyncOp::Lock, 0},
    {"pthread_spin_trylock", SyncOp::TryLock, 0},
    {"pthread_spin_unlock", SyncOp::Unlock, 0},
    {"pthread_rwlock_rdlock", SyncOp::Lock, 0},
    {"pthread_rwlock_wrlock", SyncOp::Lock, 0},
    {"pthread_rwlock_tryrdlock", SyncOp::TryLock, 0},
    {"pthread_rwlock_trywrlock", SyncOp::TryLock, 0},
    {"pthread_rwlock_timedrdlock", SyncOp::TryLock, 0},
    {"pthread_rwlock_timedwrlock", SyncOp::TryLock, 0},
    {"pthread_rwlock_unlock", SyncOp::Unlock, 0},
    {"mtx_lock", SyncOp::Lock, 0},
    {"mtx_trylock", SyncOp::TryLock, 0},
    {"mtx_timedlock", SyncOp::TryLock, 0},
    {"mtx_unlock", SyncOp::Unlock, 0},
    {"pthread_cond_wait", SyncOp::CondWait, 1, 0},
    {"pthread_cond_timedwait", SyncOp::CondWait, 1, 0},
    {"pthread_cond_clockwait", SyncOp::CondWait, 1, 0},
    {"cnd_wait", SyncOp::CondWait, 1, 0},
    {"cnd_timedwait", SyncOp::CondWait, 1, 0},
    {"pthread_create", SyncOp::Spawn, -1, -1, 2, 0},
    {"thrd_create", SyncOp::Spawn, -1, -1, 1, 0},
    {"pthread_join", SyncOp::Join, -1, -1, -1, 0},
    {"pthread_timedjoin_np", SyncOp::Join, -1, -1, -1, 0},
    {"thrd_join", SyncOp::Join, -1, -1, -1, 0},
    {"pthread_exit", SyncOp::ThreadExit},
    {"thrd_exit", SyncOp::ThreadExit},
};

// Calls that block until some other thread or process acts: a loop around one waits, not spins.
const llvm::StringSet<> kBlocking = {
    "sem_wait", "sem_timedwait", "sem_clockwait", "pthread_barrier_wait", "read", "recv",
    "recvfrom", "recvmsg", "accept", "poll", "ppoll", "select", "pselect", "epoll_wait",
    "sigwait", "sigwaitinfo", "sigsuspend", "pause", "msgrcv", "mq_receive", "wait", "waitpid",
    "fgets", "getchar", "getline", "fread", "scanf", "futex"};

// Calls that give the processor away for a while but wait for no one: a loop around one polls.
const llvm::StringSet<> kSleeping = {"sleep", "usleep", "nanosleep", "clock_nanosleep",
                                     "sched_yield", "pthread_yield", "thrd_sleep", "thrd_yield"};

bool in_std(const Decl* decl) { return decl && decl->isInStdNamespace(); }

// The unqualified name of a std:: record type (`mutex`, `unique_lock`), "" otherwise.
std::string std_record_name(QualType type) {
    const auto* record = type.getNonReferenceType()->getAsCXXRecordDecl();
    if (!record || !in_std(record)) return {};
    return record->getNameAsString();
}

bool is_std_mutex_name(llvm::StringRef name) {
    return name == "mutex" || name == "recursive_mutex" || name == "timed_mutex" ||
           name == "recursive_timed_mutex" || name == "shared_mutex" ||
           name == "shared_timed_mutex";
}

SyncCall classify_c_call(const CallExpr* call, const FunctionDecl* callee) {
    SyncCall result;
    if (!callee->getDeclContext()->getRedeclContext()->isTranslationUnit()) return result;
    llvm::StringRef name = callee->getName();
    auto argument = [&](int index) -> const Expr* {
        return index >= 0 && unsigned(index) < call->getNumArgs() ? call->getArg(index) : nullptr;
    };
    for (const CFunction& function : kCFunctions) {
        if (name != function.name) continue;
        result.op = function.op;
        result.api = function.name;
        if (const Expr* mutex = argument(function.mutex)) result.mutexes.push_back(mutex);
        result.condvar = argument(function.condvar);
        result.callable = argument(function.callable);
        result.handle = argument(function.handle);
        result.handle_is_pointer = function.op == SyncOp::Spawn;
        return result;
    }
    if (kBlocking.count(name)) result.op = SyncOp::Blocking;
    else if (kSleeping.count(name)) result.op = SyncOp::Sleep;
    result.api = name.str();
    return result;
}

bool is_launch_deferred(const Expr* policy) {
    const auto* ref = dyn_cast<DeclRefExpr>(policy->IgnoreParenImpCasts());
    return ref && ref->getDecl()->getName() == "deferred";
}

SyncCall classify_std_function(const CallExpr* call, const FunctionDecl* callee) {
    SyncCall result;
    llvm::StringRef name = callee->getName();
    const DeclContext* context = callee->getDeclContext();
    const auto* space = dyn_cast<NamespaceDecl>(context);
    if (space && space->getName() == "this_thread") {
        if (name == "sleep_for" || name == "sleep_until" || name == "yield")
            result.op = SyncOp::Sleep;
        result.api = "std::this_thread::" + name.str();
        return result;
    }
    if (name == "async" && call->getNumArgs() >= 1) {
        const Expr* first = call->getArg(0);
        bool has_policy = std_record_name(first->getType()).empty() &&
                          first->getType()->isEnumeralType();
        result.op = SyncOp::Spawn;
        result.api = "std::async";
        result.deferred = has_policy && is_launch_deferred(first);
        if (has_policy && call->getNumArgs() >= 2) result.callable = call->getArg(1);
        else if (!has_policy) result.callable = first;
        return result;
    }
    if (name == "lock" && call->getNumArgs() >= 2) {
        result.op = SyncOp::Lock;
        result.api = "std::lock";
        result.mutex_is_lvalue = true;
        for (const Expr* argument : call->arguments()) result.mutexes.push_back(argument);
    }
    return result;
}

SyncCall classify_member_call(const CXXMemberCallExpr* call) {
    SyncCall result;
    const CXXMethodDecl* method = call->getMethodDecl();
    if (!method || !in_std(method->getParent())) return result;
    std::string record = method->getParent()->getNameAsString();
    llvm::StringRef name = method->getName();
    const Expr* object = call->getImplicitObjectArgument();
    result.api = "std::" + record + "::" + name.str();
    if (is_std_mutex_name(record)) {
        result.mutex_is_lvalue = true;
        result.mutexes.push_back(object);
        if (name == "lock" || name == "lock_shared") result.op = SyncOp::Lock;
        else if (name.startswith("try_lock")) result.op = SyncOp::TryLock;
        else if (name == "unlock" || name == "unlock_shared") result.op = SyncOp::Unlock;
    } else if (record == "unique_lock" || record == "shared_lock") {
        result.handle = object;
        if (name == "lock") result.op = SyncOp::GuardMemberLock;
        else if (name == "unlock") result.op = SyncOp::GuardMemberUnlock;
    } else if (record == "condition_variable" || record == "condition_variable_any") {
        if (name == "wait" || name == "wait_for" || name == "wait_until") {
            result.op = SyncOp::CondWait;
            result.condvar = object;
            if (call->getNumArgs() >= 1) result.handle = call->getArg(0);
            result.waits_with_predicate = call->getNumArgs() == (name == "wait" ? 2u : 3u);
        }
    } else if (record == "thread" || record == "jthread") {
        if (name == "join") result.op = SyncOp::Join, result.handle = object;
    } else if (record == "future" || record == "shared_future") {
        if (name == "get" || name == "wait") result.op = SyncOp::Join, result.handle = object;
    } else if (record == "vector" || record == "deque" || record == "list") {
        bool holds_threads = call->getNumArgs() >= 1 && name == "emplace_back" &&
                             (std_record_name(call->getType()) == "thread" ||
                              std_record_name(call->getType()) == "jthread");
        if (holds_threads) {
            result.op = SyncOp::Spawn;
            result.api = "std::thread";
            result.callable = call->getArg(0);
            result.handle = object;
        }
    } else if (record == "counting_semaphore" || record == "latch" || record == "barrier") {
        if (name == "acquire" || name == "wait" || name == "arrive_and_wait")
            result.op = SyncOp::Blocking;
    }
    return result;
}

SyncCall classify_construct(const CXXConstructExpr* construct) {
    SyncCall result;
    const CXXRecordDecl* record = construct->getConstructor()->getParent();
    if (!in_std(record) || construct->getNumArgs() == 0) return result;
    std::string name = record->getNameAsString();
    if (name == "thread" || name == "jthread") {
        if (!std_record_name(construct->getArg(0)->getType()).empty() &&
            std_record_name(construct->getArg(0)->getType()) == name)
            return result;  // a move, not a new thread
        result.op = SyncOp::Spawn;
        result.api = "std::" + name;
        result.callable = construct->getArg(0);
        return result;
    }
    if (name != "lock_guard" && name != "scoped_lock" && name != "unique_lock" &&
        name != "shared_lock")
        return result;
    result.api = "std::" + name;
    result.op = SyncOp::GuardLock;
    result.mutex_is_lvalue = true;
    for (const Expr* argument : construct->arguments()) {
        std::string tag = std_record_name(argument->getType());
        if (tag == "adopt_lock_t") result.op = SyncOp::GuardAdopt;
        else if (tag == "defer_lock_t" || tag == "try_to_lock_t") result.op = SyncOp::GuardDefer;
        else if (is_std_mutex_name(tag)) result.mutexes.push_back(argument);
    }
    if (result.mutexes.empty()) result.op = SyncOp::None;  // a move or a default construction
    return result;
}

}  // namespace

SyncCall classify_sync(const Expr* expr) {
    if (const auto* construct = dyn_cast<CXXConstructExpr>(expr)) return classify_construct(construct);
    if (const auto* member = dyn_cast<CXXMemberCallExpr>(expr)) return classify_member_call(member);
    const auto* call = dyn_cast<CallExpr>(expr);
    if (!call) return {};
    const FunctionDecl* callee = call->getDirectCallee();
    if (!callee || !callee->getIdentifier()) return {};
    if (in_std(callee)) return classify_std_function(call, callee);
    return classify_c_call(call, callee);
}

bool is_sync_or_atomic(const QualType& written) {
    QualType type = written;
    while (const auto* array = type->getAsArrayTypeUnsafe()) type = array->getElementType();
    if (type->isAtomicType()) return true;
    static const llvm::StringSet<> kTypedefs = {
        "pthread_mutex_t", "pthread_cond_t", "pthread_rwlock_t", "pthread_spinlock_t",
        "pthread_barrier_t", "pthread_once_t", "pthread_key_t", "pthread_t",
        "pthread_attr_t", "pthread_mutexattr_t", "pthread_condattr_t", "sem_t", "mtx_t",
        "cnd_t", "thrd_t", "once_flag", "tss_t", "atomic_flag"};
    for (QualType step = type;;) {
        const auto* typedef_type = step->getAs<TypedefType>();
        if (!typedef_type) break;
        if (kTypedefs.count(typedef_type->getDecl()->getName())) return true;
        step = typedef_type->getDecl()->getUnderlyingType();
    }
    static const llvm::StringSet<> kRecords = {
        "atomic", "atomic_flag", "atomic_ref", "mutex", "recursive_mutex", "timed_mutex",
        "recursive_timed_mutex", "shared_mutex", "shared_timed_mutex", "condition_variable",
        "condition_variable_any", "thread", "jthread", "once_flag", "counting_semaphore",
        "latch", "barrier", "future", "shared_future", "promise", "stop_source", "stop_token"};
    std::string record = std_record_name(type);
    return !record.empty() && kRecords.count(record);
}

}  // namespace baton::analyzer
