// One execution of the seed's mails++ program (2 threads x 1,000,000 increments) with race
// detection, whole process, under baton's runtime and under the real ThreadSanitizer
// (clang -fsanitize=thread), alternating runs. Prints medians and the ratio baton/TSan
// (target <= 1.0, goal 0.5).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

constexpr int kRuns = 11;

int run(const std::vector<std::string>& command, bool quiet) {
    pid_t pid = fork();
    if (pid == 0) {
        if (quiet) {
            freopen("/dev/null", "w", stdout);
            freopen("/dev/null", "w", stderr);
        }
        std::vector<char*> argv;
        for (const auto& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        execvp(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

double timed_run(const std::string& program) {
    auto start = std::chrono::steady_clock::now();
    run({program}, true);
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace

int main() {
    std::string source = std::string(BATON_SOURCE_DIR) + "/testcases/seeds/race.c";
    std::string dir = "/tmp/baton-bench-mails";
    run({"mkdir", "-p", dir}, true);
    std::string baton = dir + "/race-baton", tsan = dir + "/race-tsan";
    if (run({std::string(BATON_BINARY_DIR) + "/bin/baton-cc", "-o", baton, source}, false) != 0 ||
        run({"clang", "-fsanitize=thread", "-O0", "-g", "-o", tsan, source}, false) != 0) {
        fprintf(stderr, "bench: cannot build %s\n", source.c_str());
        return 2;
    }
    // Both report the race: baton exits 66 run on its own, as TSan does.
    std::vector<double> baton_ms, tsan_ms;
    for (int i = 0; i < kRuns; ++i) {
        baton_ms.push_back(timed_run(baton));
        tsan_ms.push_back(timed_run(tsan));
    }
    double b = median(baton_ms), t = median(tsan_ms);
    printf("mails++ (2 threads x 1,000,000), one execution with race detection, whole process,\n");
    printf("median of %d alternating runs:\n", kRuns);
    printf("  baton runtime:      %8.1f ms\n", b);
    printf("  ThreadSanitizer:    %8.1f ms\n", t);
    printf("  ratio baton/TSan:   %8.3f   (target <= 1.0, goal 0.5)\n", b / t);
    return 0;
}
