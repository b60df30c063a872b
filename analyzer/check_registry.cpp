// The list of checks (clang-tidy's "module" file): adding a check means adding a line here.
#include "analyzer/check.h"
#include "analyzer/conflicts.h"
#include "analyzer/checks/busy_wait.h"
#include "analyzer/checks/cond_wait_not_in_loop.h"
#include "analyzer/checks/cond_wait_unlocked.h"
#include "analyzer/checks/lock_leak.h"
#include "analyzer/checks/lock_order.h"
#include "analyzer/checks/non_reentrant_call.h"
#include "analyzer/checks/static_local.h"
#include "analyzer/checks/unprotected_shared.h"

namespace baton::analyzer {

std::vector<std::unique_ptr<Check>> all_checks() {
    std::vector<std::unique_ptr<Check>> checks;
    checks.push_back(std::make_unique<UnprotectedSharedCheck>());
    checks.push_back(std::make_unique<NonReentrantCallCheck>());
    checks.push_back(std::make_unique<StaticLocalCheck>());
    checks.push_back(std::make_unique<BusyWaitCheck>());
    checks.push_back(std::make_unique<CondWaitNotInLoopCheck>());
    checks.push_back(std::make_unique<CondWaitUnlockedCheck>());
    checks.push_back(std::make_unique<LockLeakCheck>());
    checks.push_back(std::make_unique<LockOrderCheck>());
    return checks;
}

void add_thread_notes(const ThreadModel& threads, std::pair<int, int> contexts,
                      report::Finding& finding) {
    auto first = threads.thread_note(contexts.first);
    auto second = threads.thread_note(contexts.second);
    if (first && second && before(second->location, first->location)) std::swap(first, second);
    if (first) finding.notes.push_back(*first);
    if (second && contexts.second != contexts.first) finding.notes.push_back(*second);
}

bool share_a_lock(const Lockset& first, const Lockset& second) {
    for (const auto& [key, where] : first)
        if (second.count(key)) return true;
    return false;
}

}  // namespace baton::analyzer
