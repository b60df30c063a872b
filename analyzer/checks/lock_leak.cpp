#include "analyzer/checks/lock_leak.h"

#include <set>

namespace baton::analyzer {

namespace {

bool is_normal(const Exit& exit) { return exit.how == "return" || exit.how == "end of function"; }

// An exit of the same function that does not hold `lock` on any path, if there is one.
const Exit* clean_exit(const Function& function, const std::string& lock) {
    for (const Exit& exit : function.exits)
        if (is_normal(exit) && !exit.maybe_held.count(lock)) return &exit;
    return nullptr;
}

std::string leaving(const Function& function, const Exit& exit) {
    if (exit.how == "return") return "'" + function.name + "' returns";
    if (exit.how == "end of function") return "'" + function.name + "' reaches its end";
    if (exit.how == "throw") return "'" + function.name + "' throws";
    return "the thread exits (" + exit.how + ")";
}

}  // namespace

void LockLeakCheck::run(const Program& program, const ThreadModel& threads,
                        std::vector<report::Finding>& findings) const {
    std::set<std::string> entries;
    for (const ThreadContext& context : threads.contexts())
        if (!context.is_main) entries.insert(context.entry);
    for (const auto& [usr, function] : program.functions) {
        for (const Exit& exit : function.exits) {
            for (const auto& [lock, acquired] : exit.held) {
                bool always_leaks = entries.count(usr) || !is_normal(exit);
                const Exit* clean = is_normal(exit) ? clean_exit(function, lock) : nullptr;
                if (!always_leaks && !clean) continue;
                std::string name = program.lock_name(lock);
                report::Finding finding;
                finding.kind = id();
                finding.location = exit.where;
                finding.message = leaving(function, exit) + " with '" + name + "' still locked; " +
                                  (entries.count(usr) ? "no other thread can unlock it, and the next "
                                                        "one to lock it waits forever"
                                                      : "unlock it on this path too (or use a "
                                                        "scoped guard)");
                finding.notes.push_back({"'" + name + "' is locked here", acquired});
                if (clean)
                    finding.notes.push_back({"other paths unlock it before leaving here", clean->where});
                findings.push_back(std::move(finding));
            }
        }
    }
}

}  // namespace baton::analyzer
