#include "analyzer/checks/busy_wait.h"

#include "analyzer/conflicts.h"

namespace baton::analyzer {

namespace {

struct Writer {
    const Function* function = nullptr;
    const Access* access = nullptr;
    std::pair<int, int> contexts;
};

// A write to `variable` that may run while the loop spins, under no lock the loop holds.
std::optional<Writer> unprotected_writer(const std::string& variable, const Function& spinner,
                                         const SpinLoop& spin, const Program& program,
                                         const ThreadModel& threads) {
    Lockset spinning = threads.effective(spinner.usr, spin.held);
    std::optional<Writer> found;
    for (const auto& [usr, function] : program.functions) {
        for (const Access& access : function.accesses) {
            if (access.variable != variable || !access.writes) continue;
            auto together = threads.parallel({spinner.usr, spin.offset}, {usr, access.offset});
            if (!together || share_a_lock(spinning, threads.effective(usr, access.held))) continue;
            if (!found || before(access.where, found->access->where))
                found = Writer{&function, &access, *together};
        }
    }
    return found;
}

std::string advice(const Variable& variable, bool sleeps) {
    std::string text = "; block instead: wait on a condition variable with '" + variable.name +
                       "' under its mutex, or on a semaphore (an atomic would make the spin "
                       "correct, but it still burns a core)";
    if (variable.is_volatile)
        text += " ('volatile' neither makes the update atomic nor orders memory)";
    if (sleeps) text += " (sleeping in the loop only slows the polling down)";
    return text;
}

}  // namespace

void BusyWaitCheck::run(const Program& program, const ThreadModel& threads,
                        std::vector<report::Finding>& findings) const {
    for (const auto& [usr, function] : program.functions) {
        for (const SpinLoop& spin : function.spins) {
            for (const std::string& key : spin.variables) {
                auto writer = unprotected_writer(key, function, spin, program, threads);
                if (!writer) continue;
                const Variable& variable = program.variables.at(key);
                report::Finding finding;
                finding.kind = id();
                finding.location = spin.where;
                finding.message = "busy wait: this loop spins until another thread changes '" +
                                  variable.name + "', which is neither atomic nor protected by a lock" +
                                  advice(variable, spin.sleeps);
                finding.notes.push_back({"'" + variable.name + "' is written here by another thread",
                                         writer->access->where});
                add_thread_notes(threads, writer->contexts, finding);
                findings.push_back(std::move(finding));
                break;  // one finding per loop
            }
        }
    }
}

}  // namespace baton::analyzer
