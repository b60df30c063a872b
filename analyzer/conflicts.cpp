#include "analyzer/conflicts.h"

#include <algorithm>
#include <tuple>

#include "analyzer/check.h"

namespace baton::analyzer {

bool before(const report::SourceLocation& a, const report::SourceLocation& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
}

std::map<std::string, std::vector<AccessSite>> accesses_by_variable(const Program& program) {
    std::map<std::string, std::vector<AccessSite>> sites;
    for (const auto& [usr, function] : program.functions)
        for (const Access& access : function.accesses)
            sites[access.variable].push_back({&function, &access});
    return sites;
}

namespace {

// An access with its effective lockset computed once: the pairwise search asks for it often.
struct LockedSite {
    AccessSite site;
    Lockset locks;
};

bool conflicting(const LockedSite& write, const LockedSite& other, const ThreadModel& threads,
                 std::pair<int, int>& contexts) {
    if (write.site.access->indexed && other.site.access->indexed) return false;
    if (share_a_lock(write.locks, other.locks)) return false;
    auto together = threads.parallel({write.site.function->usr, write.site.access->offset},
                                     {other.site.function->usr, other.site.access->offset});
    if (!together) return false;
    contexts = *together;
    return true;
}

}  // namespace

std::optional<Conflict> first_conflict(std::vector<AccessSite> sites, const ThreadModel& threads) {
    std::vector<LockedSite> locked;
    for (const AccessSite& site : sites)
        locked.push_back({site, threads.effective(site.function->usr, site.access->held)});
    // Report the access that needs the fix: unlocked writes first, then source order.
    std::stable_sort(locked.begin(), locked.end(), [](const LockedSite& a, const LockedSite& b) {
        if (a.locks.empty() != b.locks.empty()) return a.locks.empty();
        return before(a.site.access->where, b.site.access->where);
    });
    for (const LockedSite& write : locked) {
        if (!write.site.access->writes) continue;
        // Prefer a partner elsewhere in the source; the write racing with itself comes last.
        std::optional<Conflict> self;
        for (const LockedSite& other : locked) {
            std::pair<int, int> contexts;
            if (!conflicting(write, other, threads, contexts)) continue;
            if (other.site.access != write.site.access)
                return Conflict{write.site, other.site, contexts};
            if (!self) self = Conflict{write.site, other.site, contexts};
        }
        if (self) return self;
    }
    return std::nullopt;
}

}  // namespace baton::analyzer
