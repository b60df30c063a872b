// baton-static-local in C++: function statics in code run by several std::threads. A static
// std::mutex or std::atomic is the fix, not the problem.
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

std::string& last_name() {
    static std::string name;
    return name;  // lint: baton-static-local{'name'}
}

int count_calls() {
    static int calls;
    calls += 1;  // lint: baton-static-local{'calls'}
    static std::atomic<int> atomic_calls{0};
    atomic_calls++;
    static std::mutex guard;
    static int guarded = 0;
    std::lock_guard<std::mutex> lock(guard);
    return ++guarded + calls;
}

int main() {
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i)
        threads.emplace_back([] {
            last_name() = "worker";
            count_calls();
        });
    for (auto& thread : threads) thread.join();
}
