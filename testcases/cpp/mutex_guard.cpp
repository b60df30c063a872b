// The correct twin of thread_race.cpp: std::lock_guard around the increment.
//
// expect: no findings
#include <cassert>
#include <mutex>
#include <thread>
#include <vector>

long hits = 0;
std::mutex hits_mutex;

int main() {
    std::vector<std::thread> workers;
    for (int i = 0; i < 2; i++)
        workers.emplace_back([] {
            for (int j = 0; j < 1000; j++) {
                std::lock_guard<std::mutex> guard(hits_mutex);
                hits++;
            }
        });
    for (auto& worker : workers) worker.join();
    assert(hits == 2000);
    return 0;
}
