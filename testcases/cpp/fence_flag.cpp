// Message passing with relaxed atomics and fences: a release fence before the relaxed
// store and an acquire fence after the relaxed load synchronize, as C++ says.
//
// expect: no findings
#include <atomic>
#include <cassert>
#include <thread>

int payload = 0;
std::atomic<int> ready{0};

int main() {
    std::thread producer([] {
        payload = 7;
        std::atomic_thread_fence(std::memory_order_release);
        ready.store(1, std::memory_order_relaxed);
    });
    std::thread consumer([] {
        while (ready.load(std::memory_order_relaxed) == 0) {
        }
        std::atomic_thread_fence(std::memory_order_acquire);
        assert(payload == 7);
    });
    producer.join();
    consumer.join();
    return 0;
}
