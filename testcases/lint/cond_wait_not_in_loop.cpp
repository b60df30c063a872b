// baton-cond-wait-not-in-loop in C++: condition_variable::wait(lock) with no loop; the
// predicate overload loops by itself and is the idiomatic fix.
#include <condition_variable>
#include <mutex>
#include <thread>

std::mutex mutex;
std::condition_variable cv;
bool ready = false;

void bad() {
    std::unique_lock<std::mutex> lock(mutex);
    if (!ready) cv.wait(lock);  // lint: baton-cond-wait-not-in-loop
}

void good() {
    std::unique_lock<std::mutex> lock(mutex);
    cv.wait(lock, [] { return ready; });
    while (!ready) cv.wait(lock);
}

int main() {
    std::thread a(bad), b(good);
    {
        std::lock_guard<std::mutex> lock(mutex);
        ready = true;
    }
    cv.notify_all();
    a.join();
    b.join();
}
