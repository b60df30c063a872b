// The thread model in C++: member functions and functors as thread entries, a static data
// member, threads left running by a helper, and std::async with launch::deferred (which runs
// in the caller's thread, later: no new thread).
#include <future>
#include <mutex>
#include <thread>

struct Counter {
    static int total;
    void run() { total++; }  // lint: baton-unprotected-shared{'total'}
};
int Counter::total = 0;

struct Job {
    void operator()() const { jobs_done++; }  // lint: baton-unprotected-shared{'jobs_done'}
    static inline int jobs_done = 0;
};

int deferred_only = 0;
int after_start = 0;
std::thread background;

void start_background() {
    background = std::thread([] { after_start = 1; });  // lint: baton-unprotected-shared{'after_start'}
}

int main() {
    Counter counter;
    std::thread a(&Counter::run, &counter), b(&Counter::run, &counter);
    std::thread c{Job{}}, d{Job{}};
    auto later = std::async(std::launch::deferred, [] { deferred_only++; });
    deferred_only++;
    start_background();
    after_start = 2;  // the helper left the thread running
    later.get();
    a.join();
    b.join();
    c.join();
    d.join();
    background.join();
}
