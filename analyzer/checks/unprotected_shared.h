// baton-unprotected-shared: a global or static variable written by code that runs in a thread
// and accessed by another thread, with no lock held in common. Function statics are left to
// baton-static-local, which says why they are worse (the function is not reentrant).
#pragma once

#include "analyzer/check.h"

namespace baton::analyzer {

class UnprotectedSharedCheck : public Check {
public:
    std::string id() const override { return "baton-unprotected-shared"; }
    std::string summary() const override {
        return "a global or static variable written by one thread and accessed by another with "
               "no common lock";
    }
    void run(const Program& program, const ThreadModel& threads,
             std::vector<report::Finding>& findings) const override;
};

}  // namespace baton::analyzer
