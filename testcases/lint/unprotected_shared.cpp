// baton-unprotected-shared in C++: std::thread with functions and lambdas, locals captured by
// reference, std::mutex with lock_guard/unique_lock/scoped_lock, std::atomic, std::jthread.
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

int counter = 0;
int guarded = 0;
int scoped = 0;
std::atomic<int> atomic_counter{0};
std::mutex mutex;
std::mutex other_mutex;

void add() {
    counter += 1;  // lint: baton-unprotected-shared{'counter'}
    {
        std::lock_guard<std::mutex> guard(mutex);
        guarded++;
    }
    std::scoped_lock both(mutex, other_mutex);
    scoped++;
    atomic_counter.fetch_add(1);
}

void unique() {
    std::unique_lock<std::mutex> lock(mutex);
    guarded--;
    lock.unlock();
    guarded = 0;  // lint: baton-unprotected-shared{'guarded'}
}

int main() {
    std::vector<std::thread> pool;
    for (int i = 0; i < 3; ++i) pool.emplace_back(add);
    std::thread single(unique);
    int shared_local = 0;
    std::thread left([&] { shared_local++; });  // lint: baton-unprotected-shared{'shared_local'}
    std::thread right([&] { shared_local--; });
    for (auto& thread : pool) thread.join();
    single.join();
    left.join();
    right.join();
    {
        std::jthread scoped_thread([] { scoped = 1; });
    }
    scoped = 2;  // the jthread was joined at the end of its scope
    return counter + guarded + shared_local;
}
