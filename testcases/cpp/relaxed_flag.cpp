// Message passing through a flag stored and loaded with memory_order_relaxed: the flag is
// atomic, but relaxed operations order nothing, so the consumer's read of `payload` races
// with the producer's write (on a weak memory machine it may read the old value).
//
// expect: data-race on 'payload'
#include <atomic>
#include <thread>

int payload = 0;
std::atomic<bool> ready{false};

int main() {
    std::thread producer([] {
        payload = 42;
        ready.store(true, std::memory_order_relaxed);  // BUG: needs release
    });
    std::thread consumer([] {
        while (!ready.load(std::memory_order_relaxed)) {
        }
        int seen = payload;
        (void)seen;
    });
    producer.join();
    consumer.join();
    return 0;
}
