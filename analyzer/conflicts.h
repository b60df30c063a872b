// Finding two accesses to one variable that may run at the same time, at least one a write,
// with no lock held in common: the shape of a data race, shared by baton-unprotected-shared
// (globals) and baton-static-local (function statics).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/program.h"
#include "analyzer/thread_model.h"

namespace baton::analyzer {

struct AccessSite {
    const Function* function = nullptr;
    const Access* access = nullptr;
};

struct Conflict {
    AccessSite write;
    AccessSite other;  // may be `write` itself, run by two threads at once
    std::pair<int, int> contexts;
};

std::map<std::string, std::vector<AccessSite>> accesses_by_variable(const Program& program);

// The write to report (unlocked writes first, then in source order) that conflicts with
// some access; nullopt when none does.
std::optional<Conflict> first_conflict(std::vector<AccessSite> sites, const ThreadModel& threads);

// Orders report locations: file, line, column.
bool before(const report::SourceLocation& a, const report::SourceLocation& b);

}  // namespace baton::analyzer
