// Which code runs in which thread, and what may run at the same time.
//
// A thread context is the main thread (main and every function nothing else calls) or one
// spawn site (a pthread_create, std::thread, ... naming a function). A function runs in every
// context whose root reaches it through the call graph. Two program points may happen in
// parallel when they run in different contexts that overlap in time, or in one spawn context
// that starts several threads (a spawn in a loop, or in code that itself runs several times).
// The main thread runs beside a spawned thread only between the spawn and its join (see
// thread_spawns.h); code in main before the first spawn is single-threaded.
//
// Locks a function's every caller holds count as held inside it (entry locksets), and a lock
// reached through a parameter is named by the argument when every call site passes the same.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analyzer/program.h"

namespace baton::analyzer {

struct ThreadContext {
    bool is_main = false;
    std::string entry;       // USR of the function the thread starts in
    std::string entry_name;
    std::string spawner;     // USR of the function holding the spawn site
    const Spawn* spawn = nullptr;
    bool many = false;       // this one site starts several threads that run together
};

// A point in the program: a function and a file offset inside it.
struct ProgramPoint {
    const std::string& function;
    unsigned offset;
};

class ThreadModel {
public:
    explicit ThreadModel(const Program& program);

    const std::vector<ThreadContext>& contexts() const { return contexts_; }
    const std::set<int>& contexts_of(const std::string& function) const;

    // Two contexts in which `a` and `b` may run at the same time, if there are such.
    std::optional<std::pair<int, int>> parallel(ProgramPoint a, ProgramPoint b) const;

    // True when the function's code may run in two threads at once (with itself).
    bool runs_concurrently_with_itself(const std::string& function) const;

    // `held` at a point of `function`, plus the locks every caller holds, with parameter
    // keys replaced by the one argument all call sites pass.
    Lockset effective(const std::string& function, const Lockset& held) const;
    std::string resolve(const std::string& function, const std::string& key) const;

    // Callers of a function: (caller USR, index into its calls).
    const std::vector<std::pair<std::string, std::size_t>>& callers_of(const std::string& f) const;

    // "'routine' runs in a thread started here" at the spawn site of a thread context.
    std::optional<Note> thread_note(int context) const;

private:
    void find_contexts();
    void reach(int context, const std::string& root);
    void mark_many();
    void compute_running();
    void compute_entry_locks();
    void compute_bindings();
    std::set<int> running_at(const std::string& function, unsigned offset) const;
    bool overlap(int first, int second) const;

    const Program& program_;
    std::vector<ThreadContext> contexts_;
    std::map<std::string, std::set<int>> contexts_of_;
    std::map<std::string, std::vector<std::pair<std::string, std::size_t>>> callers_;
    std::map<std::string, std::set<int>> running_;   // main-context functions: threads alive
    std::map<std::string, std::set<int>> leaks_;     // threads still running after return
    std::map<std::string, std::map<const Spawn*, int>> spawn_context_;
    std::map<std::string, Lockset> entry_locks_;
    std::map<std::string, std::map<unsigned, std::string>> bindings_;  // parameter -> argument
};

}  // namespace baton::analyzer
