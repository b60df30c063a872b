// The program model of `baton lint`: what the per-translation-unit extraction learned about
// each function (accesses to shared storage, calls, lock operations, thread spawns, waits,
// exits, spin loops), merged over every file of one run. Plain values keyed by Clang USRs, so
// a function or global seen from two files is one entry. The thread model and every check
// read this; nothing here refers to the AST, which is gone once a file has been analyzed.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "report/finding.h"

namespace baton::analyzer {

using report::FixIt;
using report::Note;
using report::SourceLocation;

// Locks held at a program point, by lock key (see lock_key.h), each with where it was taken.
using Lockset = std::map<std::string, SourceLocation>;

// Shared storage: a global, a static data member, a file-static or a function-static variable,
// or one field / constant-index element of one (`stats.count`, `slots[0]`).
struct Variable {
    std::string name;          // as written: `mails`, `stats.count`
    std::string type;          // as written: `int`
    SourceLocation declared;
    bool static_local = false; // a function-static (owned by `owner`)
    std::string owner;         // USR of the function a static local belongs to
    bool is_volatile = false;
};

struct Access {
    std::string variable;  // key into Program::variables
    bool reads = false;
    bool writes = false;
    SourceLocation where;
    unsigned offset = 0;   // file offset, to place the access inside spawn ranges
    Lockset held;          // locks held here (must), this function's own view
    bool indexed = false;  // an element at a computed index (`slots[i]`): threads often own
                           // distinct elements, so two such accesses are not a conflict
};

struct Call {
    std::string callee;        // USR
    std::string callee_name;   // as declared, unqualified for C functions
    bool system = false;       // the callee is declared in a system header
    SourceLocation where;
    unsigned offset = 0;
    Lockset held;
    std::vector<std::string> arg_objects;  // lock key of what each pointer argument points to
    std::vector<FixIt> fixits;             // filled only for known non-reentrant functions
};

struct Acquire {
    std::string lock;  // lock key
    SourceLocation where;
    unsigned offset = 0;
    Lockset held;      // locks already held when this one is taken
};

// A thread started here, and the part of the spawning function during which it may run.
struct Spawn {
    std::string entry;        // USR of the function the thread runs
    std::string entry_name;
    std::string how;          // `pthread_create`, `std::thread`, ...
    SourceLocation where;
    unsigned offset = 0;
    unsigned running_from = 0;  // file offsets of the range in which the thread may run
    unsigned running_to = 0;
    bool joined = false;        // a join ends the range inside this function
    bool in_loop = false;       // one spawn site starting many threads
};

struct CondWait {
    std::string api;         // `pthread_cond_wait`, `std::condition_variable::wait`, ...
    std::string condvar;     // display name
    std::string mutex;       // lock key; empty when the mutex could not be named
    std::string mutex_name;
    SourceLocation where;
    Lockset held;
    bool waits_with_predicate = false;  // cv.wait(lock, pred): the loop is inside the library
    // Locks held where the innermost loop around the wait decides whether to go round again
    // (its condition, or its `if (...) break;` tests); empty when the wait is in no loop.
    std::vector<Lockset> loop_tests_held;
    SourceLocation enclosing_if;     // the `if` that tests the predicate once, when there is one
    std::vector<FixIt> fixits;
};

// Where control leaves the function (return, end of body, pthread_exit) and what it holds.
struct Exit {
    SourceLocation where;
    std::string how;  // `return`, `end of function`, `pthread_exit`, ...
    Lockset held;     // held on every path reaching this exit
    std::set<std::string> maybe_held;  // held on some path reaching this exit
};

// A loop whose condition re-reads shared storage and whose body neither writes it nor blocks.
// Whether another thread writes it (and so whether this is a busy wait) is decided globally.
struct SpinLoop {
    SourceLocation where;  // the loop keyword
    unsigned offset = 0;
    std::string keyword;   // `while`, `do`, `for`
    std::vector<std::string> variables;  // read by the condition, written nowhere in the loop
    Lockset held;                        // locks held while the condition is evaluated
    std::vector<std::string> body_callees;  // USRs called in the loop; must not write the variables
    bool sleeps = false;                 // the loop sleeps or yields between reads
};

// A function returning the address of its static local (`return buf;`).
struct StaticEscape {
    std::string variable;
    SourceLocation where;
};

struct Function {
    std::string usr;
    std::string name;
    SourceLocation where;
    bool is_main = false;
    unsigned body_end = 0;  // file offset of the closing brace
    std::vector<Access> accesses;
    std::vector<Call> calls;
    std::vector<Acquire> acquires;
    std::vector<Spawn> spawns;
    std::vector<CondWait> waits;
    std::vector<Exit> exits;
    std::vector<SpinLoop> spins;
    std::vector<StaticEscape> escapes;
    // Net effect on the caller's locks, with `P<i>` keys standing for the i-th argument.
    std::set<std::string> acquires_for_caller;
    std::set<std::string> releases_for_caller;
};

struct Program {
    std::map<std::string, Function> functions;     // by USR
    std::map<std::string, Variable> variables;     // by variable key
    std::map<std::string, std::string> lock_names; // lock key -> how the source names it
    std::set<std::string> analyzed_files;          // files whose functions are in the model

    std::string lock_name(const std::string& key) const {
        auto it = lock_names.find(key);
        return it == lock_names.end() ? key : it->second;
    }
};

}  // namespace baton::analyzer
