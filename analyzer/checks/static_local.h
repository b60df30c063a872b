// baton-static-local: a function that keeps mutable `static` local state, reached from code
// that runs in more than one thread at once: either it returns a pointer to that state (each
// caller's result is overwritten by the next call, whatever locks the function takes inside),
// or it writes the state where another call may access it with no lock held in common.
#pragma once

#include "analyzer/check.h"

namespace baton::analyzer {

class StaticLocalCheck : public Check {
public:
    std::string id() const override { return "baton-static-local"; }
    std::string summary() const override {
        return "a function keeps mutable static local state (or returns a pointer to it) and "
               "runs in more than one thread";
    }
    void run(const Program& program, const ThreadModel& threads,
             std::vector<report::Finding>& findings) const override;
};

}  // namespace baton::analyzer
