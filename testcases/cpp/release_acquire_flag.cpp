// The correct twin of relaxed_flag.cpp: a release store and an acquire load make the write
// of `payload` happen before its read. The consumer's spin on the atomic is parked as a
// busy-wait until the producer stores the flag.
//
// expect: no findings
#include <atomic>
#include <cassert>
#include <thread>

int payload = 0;
std::atomic<bool> ready{false};

int main() {
    std::thread consumer([] {
        while (!ready.load(std::memory_order_acquire)) {
        }
        assert(payload == 42);
    });
    std::thread producer([] {
        payload = 42;
        ready.store(true, std::memory_order_release);
    });
    producer.join();
    consumer.join();
    return 0;
}
