// Correct concurrent C++ that must stay silent: a work queue guarded by a mutex and a
// condition variable (predicate waits), a member-function thread, std::atomic counters,
// std::call_once, futures, a jthread that stops itself, and scoped_lock over two mutexes.
// lint: none
#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

class WorkQueue {
public:
    void push(int job) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            jobs_.push(job);
        }
        ready_.notify_one();
    }
    int pop() {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [this] { return !jobs_.empty(); });
        int job = jobs_.front();
        jobs_.pop();
        return job;
    }
    void run(int count) {
        for (int i = 0; i < count; ++i) done_ += pop();
    }
    int done() const { return done_.load(); }

private:
    std::mutex mutex_;
    std::condition_variable ready_;
    std::queue<int> jobs_;
    std::atomic<int> done_{0};
};

std::once_flag configured;
int configuration = 0;
std::mutex first, second;
int moved = 0;

void configure() { std::call_once(configured, [] { configuration = 42; }); }

void transfer() {
    std::scoped_lock both(first, second);
    moved++;
}

int square(int x) { return x * x; }

int main() {
    configure();
    WorkQueue queue;
    std::vector<std::thread> workers;
    for (int i = 0; i < 2; ++i) workers.emplace_back(&WorkQueue::run, &queue, 5);
    for (int i = 0; i < 10; ++i) queue.push(i);
    std::thread a(transfer), b(transfer);
    std::future<int> squared = std::async(std::launch::async, square, configuration);
    std::jthread ticker([](std::stop_token stop) {
        while (!stop.stop_requested()) std::this_thread::yield();
    });
    ticker.request_stop();
    for (auto& worker : workers) worker.join();
    a.join();
    b.join();
    return queue.done() + squared.get() + moved;
}
