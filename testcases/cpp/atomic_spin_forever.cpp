// A thread spins on an atomic flag that nobody will ever set: no data race (the flag is
// atomic), but a livelock, found without any timeout.
//
// expect: livelock
#include <atomic>
#include <thread>

std::atomic<bool> go{false};

int main() {
    std::thread waiter([] {
        while (!go.load()) {
        }
    });
    waiter.join();  // BUG: nobody sets `go`
    return 0;
}
