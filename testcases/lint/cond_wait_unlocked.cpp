// baton-cond-wait-unlocked in C++: a unique_lock that does not own its mutex at the wait.
#include <condition_variable>
#include <mutex>
#include <thread>

std::mutex mutex;
std::condition_variable cv;
bool ready = false;

void deferred() {
    std::unique_lock<std::mutex> lock(mutex, std::defer_lock);
    cv.wait(lock, [] { return ready; });  // lint: baton-cond-wait-unlocked
}

void released() {
    std::unique_lock<std::mutex> lock(mutex);
    lock.unlock();
    cv.wait(lock, [] { return ready; });  // lint: baton-cond-wait-unlocked
}

void correct() {
    std::unique_lock<std::mutex> lock(mutex, std::defer_lock);
    lock.lock();
    cv.wait(lock, [] { return ready; });
}

int main() {
    std::thread a(deferred), b(released), c(correct);
    {
        std::lock_guard<std::mutex> guard(mutex);
        ready = true;
    }
    cv.notify_all();
    a.join();
    b.join();
    c.join();
}
