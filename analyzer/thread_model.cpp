#include "analyzer/thread_model.h"

#include <deque>

#include "analyzer/lock_key.h"

namespace baton::analyzer {

namespace {
const std::set<int> kNoContexts;
const std::vector<std::pair<std::string, std::size_t>> kNoCallers;
}  // namespace

ThreadModel::ThreadModel(const Program& program) : program_(program) {
    for (const auto& [usr, function] : program.functions)
        for (std::size_t i = 0; i < function.calls.size(); ++i)
            if (program.functions.count(function.calls[i].callee))
                callers_[function.calls[i].callee].push_back({usr, i});
    find_contexts();
    mark_many();
    compute_running();
    compute_entry_locks();
    compute_bindings();
}

void ThreadModel::find_contexts() {
    ThreadContext main_thread;
    main_thread.is_main = true;
    main_thread.entry_name = "main";
    contexts_.push_back(main_thread);
    std::set<std::string> entries;
    for (const auto& [usr, function] : program_.functions) {
        for (const Spawn& spawn : function.spawns) {
            if (!program_.functions.count(spawn.entry)) continue;
            ThreadContext thread{false, spawn.entry, spawn.entry_name, usr, &spawn, false};
            spawn_context_[usr][&spawn] = static_cast<int>(contexts_.size());
            contexts_.push_back(thread);
            entries.insert(spawn.entry);
        }
    }
    // The main thread starts at main, or, in a program without one (a library), at every
    // function nothing calls that is not a thread's entry.
    bool has_main = false;
    for (const auto& [usr, function] : program_.functions) has_main |= function.is_main;
    for (const auto& [usr, function] : program_.functions) {
        bool root = has_main ? function.is_main : !callers_.count(usr) && !entries.count(usr);
        if (root) reach(0, usr);
    }
    for (std::size_t i = 1; i < contexts_.size(); ++i) reach(static_cast<int>(i), contexts_[i].entry);
}

void ThreadModel::reach(int context, const std::string& root) {
    std::deque<std::string> pending{root};
    while (!pending.empty()) {
        std::string usr = pending.front();
        pending.pop_front();
        if (!contexts_of_[usr].insert(context).second) continue;
        const Function& function = program_.functions.at(usr);
        for (const Call& call : function.calls)
            if (program_.functions.count(call.callee)) pending.push_back(call.callee);
    }
}

// A spawn site starts several threads when it sits in a loop, or when the code around it runs
// more than once at a time (in a "many" context, or in several contexts).
void ThreadModel::mark_many() {
    for (bool changed = true; changed;) {
        changed = false;
        for (ThreadContext& context : contexts_) {
            if (context.is_main || context.many) continue;
            const std::set<int>& around = contexts_of(context.spawner);
            bool many = context.spawn->in_loop || around.size() > 1;
            for (int other : around) many |= contexts_[other].many;
            if (many) context.many = changed = true;
        }
    }
}

const std::set<int>& ThreadModel::contexts_of(const std::string& function) const {
    auto found = contexts_of_.find(function);
    return found == contexts_of_.end() ? kNoContexts : found->second;
}

const std::vector<std::pair<std::string, std::size_t>>& ThreadModel::callers_of(
    const std::string& function) const {
    auto found = callers_.find(function);
    return found == callers_.end() ? kNoCallers : found->second;
}

// Threads alive at `offset` in main-thread function `function`: those alive whenever it runs,
// those its own spawns started and have not been joined, those left running by callees.
std::set<int> ThreadModel::running_at(const std::string& function, unsigned offset) const {
    std::set<int> alive;
    if (auto found = running_.find(function); found != running_.end()) alive = found->second;
    const Function& facts = program_.functions.at(function);
    auto spawns = spawn_context_.find(function);
    for (const Spawn& spawn : facts.spawns) {
        if (offset < spawn.running_from || offset > spawn.running_to) continue;
        if (spawns != spawn_context_.end() && spawns->second.count(&spawn))
            alive.insert(spawns->second.at(&spawn));
    }
    for (const Call& call : facts.calls) {
        auto left = leaks_.find(call.callee);
        if (call.offset < offset && left != leaks_.end())
            alive.insert(left->second.begin(), left->second.end());
    }
    return alive;
}

void ThreadModel::compute_running() {
    // Threads a function leaves running: its unjoined spawns and what its callees leave.
    for (bool changed = true; changed;) {
        changed = false;
        for (const auto& [usr, function] : program_.functions) {
            std::set<int>& left = leaks_[usr];
            auto spawns = spawn_context_.find(usr);
            for (const Spawn& spawn : function.spawns)
                if (!spawn.joined && spawns != spawn_context_.end() && spawns->second.count(&spawn))
                    changed |= left.insert(spawns->second.at(&spawn)).second;
            for (const Call& call : function.calls)
                if (auto inner = leaks_.find(call.callee); inner != leaks_.end() && inner->first != usr)
                    for (int context : std::set<int>(inner->second)) changed |= left.insert(context).second;
        }
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (const auto& [usr, function] : program_.functions) {
            if (!contexts_of(usr).count(0)) continue;
            for (const Call& call : function.calls) {
                if (!contexts_of(call.callee).count(0)) continue;
                std::set<int>& target = running_[call.callee];
                for (int context : running_at(usr, call.offset))
                    changed |= target.insert(context).second;
            }
        }
    }
}

bool ThreadModel::overlap(int first, int second) const {
    const ThreadContext& a = contexts_[first];
    const ThreadContext& b = contexts_[second];
    auto only_main = [this](const std::string& function) {
        const std::set<int>& in = contexts_of(function);
        return in.size() == 1 && in.count(0);
    };
    if (!only_main(a.spawner) || !only_main(b.spawner)) return true;
    return running_at(a.spawner, a.spawn->offset).count(second) ||
           running_at(b.spawner, b.spawn->offset).count(first);
}

std::optional<std::pair<int, int>> ThreadModel::parallel(ProgramPoint a, ProgramPoint b) const {
    for (int first : contexts_of(a.function)) {
        for (int second : contexts_of(b.function)) {
            bool together = false;
            if (first == 0 && second == 0) together = false;
            else if (first == 0) together = running_at(a.function, a.offset).count(second) > 0;
            else if (second == 0) together = running_at(b.function, b.offset).count(first) > 0;
            else if (first == second) together = contexts_[first].many;
            else together = overlap(first, second);
            if (together) return std::make_pair(first, second);
        }
    }
    return std::nullopt;
}

bool ThreadModel::runs_concurrently_with_itself(const std::string& function) const {
    return parallel({function, 0}, {function, 0}).has_value();
}

void ThreadModel::compute_entry_locks() {
    std::set<std::string> entries;
    for (const ThreadContext& context : contexts_) entries.insert(context.entry);
    std::map<std::string, bool> known;  // false: still "every lock" (the top of the lattice)
    for (bool changed = true; changed;) {
        changed = false;
        for (const auto& [usr, function] : program_.functions) {
            if (entries.count(usr) || function.is_main || callers_of(usr).empty()) continue;
            std::optional<Lockset> meet;
            for (const auto& [caller, index] : callers_of(usr)) {
                const Function& from = program_.functions.at(caller);
                bool settled = entries.count(caller) || from.is_main ||
                               callers_of(caller).empty() || known[caller];
                if (!settled) continue;  // still "every lock": constrains nothing yet
                const Call& call = program_.functions.at(caller).calls[index];
                Lockset at = call.held;
                if (auto outer = entry_locks_.find(caller); outer != entry_locks_.end())
                    at.insert(outer->second.begin(), outer->second.end());
                for (unsigned i = 0; i < call.arg_objects.size(); ++i)
                    if (at.count(call.arg_objects[i]))
                        at[parameter_root(usr, i)] = at[call.arg_objects[i]];
                if (!meet) meet = at;
                else
                    for (auto it = meet->begin(); it != meet->end();)
                        it = at.count(it->first) ? std::next(it) : meet->erase(it);
            }
            if (!meet) continue;
            bool differs = !known[usr] || entry_locks_[usr].size() != meet->size();
            if (differs) {
                entry_locks_[usr] = *meet;
                known[usr] = changed = true;
            }
        }
    }
}

void ThreadModel::compute_bindings() {
    for (const auto& [usr, function] : program_.functions) {
        std::map<unsigned, std::set<std::string>> passed;
        for (const auto& [caller, index] : callers_of(usr)) {
            const Call& call = program_.functions.at(caller).calls[index];
            for (unsigned i = 0; i < call.arg_objects.size(); ++i)
                passed[i].insert(resolve(caller, call.arg_objects[i]));
        }
        for (const auto& [index, objects] : passed)
            if (objects.size() == 1 && !objects.begin()->empty())
                bindings_[usr][index] = *objects.begin();
    }
}

std::string ThreadModel::resolve(const std::string& function, const std::string& key) const {
    if (!is_parameter_key(key)) return key;
    auto found = bindings_.find(function);
    if (found == bindings_.end()) return key;
    for (const auto& [index, argument] : found->second)
        if (std::string bound = substitute_parameter(key, function, index, argument); !bound.empty())
            return bound;
    return key;
}

Lockset ThreadModel::effective(const std::string& function, const Lockset& held) const {
    Lockset all = held;
    if (auto entry = entry_locks_.find(function); entry != entry_locks_.end())
        all.insert(entry->second.begin(), entry->second.end());
    Lockset resolved;
    for (const auto& [key, where] : all) resolved.emplace(resolve(function, key), where);
    return resolved;
}

std::optional<Note> ThreadModel::thread_note(int context) const {
    if (context <= 0 || context >= static_cast<int>(contexts_.size())) return std::nullopt;
    const ThreadContext& thread = contexts_[context];
    std::string how = thread.many ? "in threads started here" : "in a thread started here";
    return Note{"'" + thread.entry_name + "' runs " + how, thread.spawn->where};
}

}  // namespace baton::analyzer
