// C++ exception state is per thread: while the first thread is inside a catch block, the
// second throws and is inside its own catch block; the first then rethrows (`throw;`) and
// must get its own exception back, not the second thread's, and vice versa.
//
// expect: no findings
#include <cassert>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

std::mutex m;
std::condition_variable cv;
bool first_in_catch = false, second_in_catch = false, first_checked = false;

void wait_for(const bool& flag) {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return flag; });
}

void set(bool& flag) {
    std::lock_guard<std::mutex> lock(m);
    flag = true;
    cv.notify_all();
}

// Rethrows the exception being handled and checks it is the expected one.
template <class Expected>
void rethrow_and_check(const char* what) {
    try {
        throw;
    } catch (const Expected& e) {
        assert(std::string(e.what()) == what);
    } catch (...) {
        assert(!"rethrew another thread's exception");
    }
}

void first() {
    try {
        throw std::runtime_error("first");
    } catch (const std::exception&) {
        set(first_in_catch);
        wait_for(second_in_catch);  // the second thread is handling its exception now
        rethrow_and_check<std::runtime_error>("first");
        set(first_checked);
    }
}

void second() {
    wait_for(first_in_catch);
    try {
        throw std::logic_error("second");
    } catch (const std::exception&) {
        set(second_in_catch);
        wait_for(first_checked);
        rethrow_and_check<std::logic_error>("second");
    }
}

int main() {
    std::thread a(first), b(second);
    a.join();
    b.join();
    return 0;
}
