#include "analyzer/checks/unprotected_shared.h"

#include "analyzer/conflicts.h"

namespace baton::analyzer {

// "no lock is held" or "'m' is held here but not there": what the reader must change.
static std::string lock_story(const Lockset& write, const Lockset& other, const Program& program) {
    if (write.empty() && other.empty()) return "neither access holds a lock";
    if (write.empty()) return "this access holds no lock";
    std::string held = program.lock_name(write.begin()->first);
    if (other.empty()) return "'" + held + "' is held here but not by the other access";
    return "the two accesses hold different locks";
}

void UnprotectedSharedCheck::run(const Program& program, const ThreadModel& threads,
                                 std::vector<report::Finding>& findings) const {
    for (const auto& [key, sites] : accesses_by_variable(program)) {
        const Variable& variable = program.variables.at(key);
        if (variable.static_local) continue;
        auto conflict = first_conflict(sites, threads);
        if (!conflict) continue;
        const Access& write = *conflict->write.access;
        const Access& other = *conflict->other.access;
        Lockset write_locks = threads.effective(conflict->write.function->usr, write.held);
        Lockset other_locks = threads.effective(conflict->other.function->usr, other.held);
        report::Finding finding;
        finding.kind = id();
        finding.location = write.where;
        bool self = &write == &other;
        finding.message = "'" + variable.name + "' is written here " +
                          (self ? "by two threads at once" : "while another thread may access it") +
                          ", and " + lock_story(write_locks, other_locks, program) +
                          "; protect every access with the same mutex, or make it atomic";
        if (!self) {
            std::string what = other.writes ? "written" : "read";
            finding.notes.push_back({"'" + variable.name + "' is also " + what + " here", other.where});
        }
        add_thread_notes(threads, conflict->contexts, finding);
        finding.notes.push_back({"'" + variable.name + "' is declared here", variable.declared});
        findings.push_back(std::move(finding));
    }
}

}  // namespace baton::analyzer
