// A cache read under std::shared_lock and updated under std::unique_lock (std::shared_mutex
// reaches pthread rwlocks).
//
// expect: no findings
#include <cassert>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

std::shared_mutex cache_mutex;
std::map<int, int> cache;

int lookup(int key) {
    {
        std::shared_lock<std::shared_mutex> read(cache_mutex);
        auto it = cache.find(key);
        if (it != cache.end()) return it->second;
    }
    std::unique_lock<std::shared_mutex> write(cache_mutex);
    return cache[key] = key * key;
}

int main() {
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; t++)
        threads.emplace_back([] {
            for (int k = 0; k < 5; k++) assert(lookup(k) == k * k);
        });
    for (auto& thread : threads) thread.join();
    return 0;
}
