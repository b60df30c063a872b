// C++ thread_local objects are constructed per thread and destroyed when their thread ends,
// in that thread.
//
// expect: no findings
#include <atomic>
#include <cassert>
#include <string>
#include <thread>
#include <vector>

std::atomic<int> destroyed{0};

struct PerThread {
    std::string name = "unset";
    ~PerThread() { destroyed.fetch_add(1); }
};

thread_local PerThread mine;

void work(int id) {
    assert(mine.name == "unset");
    mine.name = "thread " + std::to_string(id);
    std::this_thread::yield();
    assert(mine.name == "thread " + std::to_string(id));
}

int main() {
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; i++) threads.emplace_back(work, i);
    for (auto& t : threads) t.join();
    assert(destroyed.load() == 3);
    return 0;
}
