// baton-non-reentrant-call in C++: std:: spellings of the C functions, in lambdas run by
// std::thread; std::async with the default policy runs in another thread too.
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <future>
#include <thread>

int roll() {
    return std::rand() % 6;  // lint: baton-non-reentrant-call{'rand'}
}

int main() {
    std::time_t now = std::time(nullptr);
    std::thread printer([&] {
        std::tm* parts = std::gmtime(&now);  // lint: baton-non-reentrant-call{'gmtime'}
        return parts->tm_sec;
    });
    auto later = std::async(roll);
    int mine = roll();
    std::tm* here = std::localtime(&now);  // lint: baton-non-reentrant-call{'localtime'}
    printer.join();
    int theirs = later.get();
    int after = std::rand();  // after join and get: single-threaded again
    return mine + theirs + here->tm_sec + after;
}
