// The other correct twin: a std::atomic counter (relaxed increments are enough for a count
// read after join).
//
// expect: no findings
#include <atomic>
#include <cassert>
#include <thread>
#include <vector>

std::atomic<long> hits{0};

int main() {
    std::vector<std::thread> workers;
    for (int i = 0; i < 2; i++)
        workers.emplace_back([] {
            for (int j = 0; j < 1000; j++) hits.fetch_add(1, std::memory_order_relaxed);
        });
    for (auto& worker : workers) worker.join();
    assert(hits.load() == 2000);
    return 0;
}
