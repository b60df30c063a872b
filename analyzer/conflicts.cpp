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

static bool conflicting(const AccessSite& write, const AccessSite& other, const ThreadModel& threads,
                        std::pair<int, int>& contexts) {
    if (write.access->indexed && other.access->indexed) return false;
    auto together = threads.parallel({write.function->usr, write.access->offset},
                                     {other.function->usr, other.access->offset});
    if (!together) return false;
    Lockset first = threads.effective(write.function->usr, write.access->held);
    Lockset second = threads.effective(other.function->usr, other.access->held);
    if (share_a_lock(first, second)) return false;
    contexts = *together;
    return true;
}

std::optional<Conflict> first_conflict(std::vector<AccessSite> sites, const ThreadModel& threads) {
    // Report the access that needs the fix: unlocked writes first, then source order.
    auto locked = [&threads](const AccessSite& site) {
        return !threads.effective(site.function->usr, site.access->held).empty();
    };
    std::stable_sort(sites.begin(), sites.end(), [&](const AccessSite& a, const AccessSite& b) {
        bool a_locked = locked(a), b_locked = locked(b);
        if (a_locked != b_locked) return b_locked;
        return before(a.access->where, b.access->where);
    });
    for (const AccessSite& write : sites) {
        if (!write.access->writes) continue;
        // Prefer a partner elsewhere in the source; the write racing with itself comes last.
        std::optional<Conflict> self;
        for (const AccessSite& other : sites) {
            std::pair<int, int> contexts;
            if (!conflicting(write, other, threads, contexts)) continue;
            if (other.access != write.access) return Conflict{write, other, contexts};
            if (!self) self = Conflict{write, other, contexts};
        }
        if (self) return self;
    }
    return std::nullopt;
}

}  // namespace baton::analyzer
