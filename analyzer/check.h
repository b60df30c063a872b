// One static check: an id from PRODUCT.md, a one-line summary (for --list-checks and SARIF's
// rule metadata), and the rule that turns the program model and the thread model into
// findings. Checks read the model only; each lives in its own file pair under checks/ and is
// listed once in check_registry.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "analyzer/program.h"
#include "analyzer/thread_model.h"
#include "report/finding.h"

namespace baton::analyzer {

class Check {
public:
    virtual ~Check() = default;
    virtual std::string id() const = 0;
    virtual std::string summary() const = 0;
    virtual void run(const Program& program, const ThreadModel& threads,
                     std::vector<report::Finding>& findings) const = 0;
};

// Every check baton knows, in the order PRODUCT.md lists them.
std::vector<std::unique_ptr<Check>> all_checks();

// Shared phrasing: the notes that say which threads run the two sides of a finding.
void add_thread_notes(const ThreadModel& threads, std::pair<int, int> contexts,
                      report::Finding& finding);

// True when two locksets (already made effective) share a lock.
bool share_a_lock(const Lockset& first, const Lockset& second);

}  // namespace baton::analyzer
