// baton-lock-order in C++: nested lock_guards in opposite orders; std::scoped_lock over both
// mutexes (deadlock-free by construction) is the fix.
#include <mutex>
#include <thread>

std::mutex a;
std::mutex b;

void forward() {
    std::lock_guard<std::mutex> first(a);
    std::lock_guard<std::mutex> second(b);  // lint: baton-lock-order
}

void backward() {
    std::lock_guard<std::mutex> first(b);
    std::lock_guard<std::mutex> second(a);
}

void both() {
    std::scoped_lock together(b, a);
}

int main() {
    std::thread one(forward), two(backward), three(both);
    one.join();
    two.join();
    three.join();
}
