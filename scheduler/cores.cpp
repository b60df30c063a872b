#include "scheduler/cores.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

namespace baton::scheduler {
namespace {

std::string first_line(const std::string& path) {
    std::ifstream file(path);
    std::string line;
    std::getline(file, line);
    return line;
}

// The tighter of two quotas in cores, 0 standing for none.
unsigned tighter(unsigned a, unsigned b) { return a == 0 ? b : b == 0 ? a : std::min(a, b); }

// The smallest quota along a control group's path and its ancestors, under `root` (a
// cgroup's limit also bounds its descendants); `quota_of` reads one directory's.
template <class QuotaOf>
unsigned smallest_quota(const std::string& root, std::string path, QuotaOf quota_of) {
    unsigned smallest = 0;
    for (;;) {
        smallest = tighter(smallest, quota_of(root + path));
        if (path.empty() || path == "/") return smallest;
        size_t slash = path.rfind('/');
        path = slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
    }
}

unsigned cores_of_quota(long long quota, long long period) {
    if (quota <= 0 || period <= 0) return 0;
    return static_cast<unsigned>((quota + period - 1) / period);
}

// The quota of this process's control group, in cores (0: none): cgroup v2's cpu.max, or v1's
// cpu.cfs_quota_us and cpu.cfs_period_us.
unsigned cgroup_quota_cores() {
    std::ifstream groups("/proc/self/cgroup");
    unsigned smallest = 0;
    auto keep = [&](unsigned cores) { smallest = tighter(smallest, cores); };
    for (std::string line; std::getline(groups, line);) {
        // "ID:CONTROLLERS:PATH"; v2's is "0::PATH".
        size_t first = line.find(':'), second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        std::string controllers = line.substr(first + 1, second - first - 1);
        std::string path = line.substr(second + 1);
        if (controllers.empty()) {
            for (const char* root : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"})
                keep(smallest_quota(root, path, [](const std::string& dir) {
                    return cores_of_cpu_max(first_line(dir + "/cpu.max"));
                }));
            continue;
        }
        std::stringstream names(controllers);
        for (std::string name; std::getline(names, name, ',');) {
            if (name != "cpu") continue;
            for (const std::string& root : {std::string("/sys/fs/cgroup/cpu"), "/sys/fs/cgroup/" + controllers})
                keep(smallest_quota(root, path, [](const std::string& dir) {
                    std::string quota = first_line(dir + "/cpu.cfs_quota_us");
                    std::string period = first_line(dir + "/cpu.cfs_period_us");
                    if (quota.empty() || period.empty()) return 0u;
                    return cores_of_quota(std::atoll(quota.c_str()), std::atoll(period.c_str()));
                }));
        }
    }
    return smallest;
}

}  // namespace

unsigned cores_of_cpu_max(const std::string& cpu_max) {
    std::istringstream fields(cpu_max);
    std::string quota;
    long long period = 0;
    if (!(fields >> quota >> period) || quota == "max") return 0;
    char* end = nullptr;
    long long value = std::strtoll(quota.c_str(), &end, 10);
    if (end == quota.c_str() || *end != '\0') return 0;
    return cores_of_quota(value, period);
}

unsigned usable_cores() {
    static const unsigned cores = [] {
        unsigned count = 0;
        cpu_set_t mask;
        if (sched_getaffinity(0, sizeof mask, &mask) == 0) count = static_cast<unsigned>(CPU_COUNT(&mask));
        if (count == 0) {
            long online = sysconf(_SC_NPROCESSORS_ONLN);
            count = online > 0 ? static_cast<unsigned>(online) : 1;
        }
        unsigned quota = cgroup_quota_cores();
        return std::max(1u, quota != 0 ? std::min(count, quota) : count);
    }();
    return cores;
}

}  // namespace baton::scheduler
