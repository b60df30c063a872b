// std::thread workers incrementing a shared counter without a lock.
//
// expect: data-race on 'hits'
#include <thread>
#include <vector>

long hits = 0;

int main() {
    std::vector<std::thread> workers;
    for (int i = 0; i < 2; i++)
        workers.emplace_back([] {
            for (int j = 0; j < 1000; j++) hits++;
        });
    for (auto& worker : workers) worker.join();
    return 0;
}
