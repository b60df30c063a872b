// baton-busy-wait in C++: a plain bool spun on in a lambda; std::atomic<bool> and a
// condition_variable wait are the correct shapes.
// lint-args: --checks=-*,baton-busy-wait
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

bool plain_flag = false;
std::atomic<bool> atomic_flag{false};
bool ready = false;
std::mutex mutex;
std::condition_variable changed;

int main() {
    std::thread spinner([] {
        while (!plain_flag) std::this_thread::yield();  // lint: baton-busy-wait{'plain_flag'}
        while (!atomic_flag.load()) {
        }
        std::unique_lock<std::mutex> lock(mutex);
        while (!ready) changed.wait(lock);
    });
    plain_flag = true;
    atomic_flag = true;
    {
        std::lock_guard<std::mutex> lock(mutex);
        ready = true;
    }
    changed.notify_one();
    spinner.join();
}
