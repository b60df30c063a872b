#include "analyzer/checks/static_local.h"

#include <set>

#include "analyzer/conflicts.h"

namespace baton::analyzer {

static std::optional<std::pair<int, int>> self_parallel(const ThreadModel& threads,
                                                        const Function& function, unsigned offset) {
    return threads.parallel({function.usr, offset}, {function.usr, offset});
}

void StaticLocalCheck::run(const Program& program, const ThreadModel& threads,
                           std::vector<report::Finding>& findings) const {
    std::set<std::string> reported;
    for (const auto& [usr, function] : program.functions) {
        for (const StaticEscape& escape : function.escapes) {
            auto together = self_parallel(threads, function, 0);
            if (!together || !reported.insert(escape.variable).second) continue;
            const Variable& variable = program.variables.at(escape.variable);
            report::Finding finding;
            finding.kind = id();
            finding.location = escape.where;
            finding.message = "'" + function.name + "' returns a pointer to its static local '" +
                              variable.name +
                              "', and runs in more than one thread: each call overwrites the "
                              "result another thread is still using; let the caller pass the "
                              "buffer (as the '_r' functions do)";
            finding.notes.push_back({"'" + variable.name + "' is declared static here", variable.declared});
            add_thread_notes(threads, *together, finding);
            findings.push_back(std::move(finding));
        }
    }
    for (const auto& [key, sites] : accesses_by_variable(program)) {
        const Variable& variable = program.variables.at(key);
        if (!variable.static_local || reported.count(key)) continue;
        auto conflict = first_conflict(sites, threads);
        if (!conflict) continue;
        report::Finding finding;
        finding.kind = id();
        finding.location = conflict->write.access->where;
        finding.message = "static local '" + variable.name + "' is written here, and '" +
                          conflict->write.function->name +
                          "' runs in more than one thread with no lock around it; make the state "
                          "per call (or per thread), or protect it with a mutex";
        if (conflict->other.access != conflict->write.access)
            finding.notes.push_back({"'" + variable.name + "' is also accessed here",
                                     conflict->other.access->where});
        finding.notes.push_back({"'" + variable.name + "' is declared static here", variable.declared});
        add_thread_notes(threads, conflict->contexts, finding);
        findings.push_back(std::move(finding));
    }
}

}  // namespace baton::analyzer
