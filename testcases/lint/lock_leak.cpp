// baton-lock-leak in C++: std::mutex::lock with an early return; RAII guards release on every
// path and are the fix.
#include <mutex>
#include <stdexcept>
#include <thread>

std::mutex mutex;
int stock = 0;

bool take(int n) {
    mutex.lock();
    if (stock < n) return false;  // lint: baton-lock-leak{'mutex'}
    stock -= n;
    mutex.unlock();
    return true;
}

void take_or_throw(int n) {
    mutex.lock();
    if (stock < n) throw std::runtime_error("out of stock");  // lint: baton-lock-leak{throws}
    stock -= n;
    mutex.unlock();
}

bool take_guarded(int n) {
    std::lock_guard<std::mutex> guard(mutex);
    if (stock < n) return false;
    stock -= n;
    return true;
}

bool take_unique(int n) {
    std::unique_lock<std::mutex> lock(mutex);
    if (stock < n) return false;
    stock -= n;
    lock.unlock();
    return true;
}

int main() {
    std::thread a([] { take(1); }), b([] { take_guarded(1); }), c([] { take_unique(1); });
    std::thread d([] { take_or_throw(1); });
    d.join();
    a.join();
    b.join();
    c.join();
}
