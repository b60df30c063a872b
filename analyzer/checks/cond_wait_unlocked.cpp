#include "analyzer/checks/cond_wait_unlocked.h"

namespace baton::analyzer {

void CondWaitUnlockedCheck::run(const Program& program, const ThreadModel& threads,
                                std::vector<report::Finding>& findings) const {
    for (const auto& [usr, function] : program.functions) {
        for (const CondWait& wait : function.waits) {
            if (wait.mutex.empty()) continue;  // the mutex could not be named: say nothing
            Lockset held = threads.effective(usr, wait.held);
            if (held.count(threads.resolve(usr, wait.mutex))) continue;
            report::Finding finding;
            finding.kind = id();
            finding.location = wait.where;
            std::string condvar = wait.condvar.empty() ? "a condition variable" : "'" + wait.condvar + "'";
            finding.message = "waiting on " + condvar + " without holding '" + wait.mutex_name +
                              "'; lock it before testing the predicate and keep it locked "
                              "through the wait (anything else is undefined and loses wakeups)";
            findings.push_back(std::move(finding));
        }
    }
}

}  // namespace baton::analyzer
