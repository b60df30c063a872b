// The systematic search end to end: DPOR's execution counts on programs whose number of
// Mazurkiewicz traces is known, its `verified` verdict, the other strategies finding a bug,
// and replay giving the same bytes every time.
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "e2e_support.h"

namespace fs = std::filesystem;
using baton::e2e::baton_binary;
using baton::e2e::run_command;
using baton::e2e::TempDir;

namespace {

// K threads that each take the same mutex once: the critical sections can run in any of K!
// orders, and nothing else matters. With `own_mutex`, each thread takes its own mutex and
// touches its own data: a single trace.
std::string workers_program(int threads, bool own_mutex) {
    return fmt::format(R"(#include <pthread.h>
#define K {0}
pthread_mutex_t locks[K];
int counts[K];
int shared_count;
void* worker(void* arg) {{
    long i = (long)arg;
    pthread_mutex_t* lock = &locks[{1}];
    pthread_mutex_lock(lock);
    {2}++;
    pthread_mutex_unlock(lock);
    return 0;
}}
int main(void) {{
    pthread_t threads[K];
    for (int i = 0; i < K; i++) pthread_mutex_init(&locks[i], 0);
    for (long i = 0; i < K; i++) pthread_create(&threads[i], 0, worker, (void*)i);
    for (int i = 0; i < K; i++) pthread_join(threads[i], 0);
    return 0;
}}
)",
                       threads, own_mutex ? "i" : "0", own_mutex ? "counts[i]" : "shared_count");
}

nlohmann::json check_json(const std::string& program, std::vector<std::string> options,
                          const std::string& directory) {
    std::vector<std::string> command{baton_binary("baton"), "check", "--format", "json"};
    command.insert(command.end(), options.begin(), options.end());
    command.push_back(program);
    auto result = run_command(command, directory);
    EXPECT_TRUE(result.status == 0 || result.status == 1) << result.err;
    return nlohmann::json::parse(result.out, nullptr, false);
}

uint64_t factorial(int n) { return n <= 1 ? 1 : n * factorial(n - 1); }

class SharedMutex : public testing::TestWithParam<int> {};

TEST_P(SharedMutex, DporRunsOneExecutionPerOrderOfTheCriticalSections) {
    int k = GetParam();
    TempDir directory;
    std::string program = directory.file("workers.c", workers_program(k, false));
    auto report = check_json(program, {"--strategy", "dpor"}, directory.path());
    EXPECT_EQ(report["verdict"], "verified");
    EXPECT_EQ(report["stats"]["complete"], true);
    EXPECT_EQ(report["stats"]["executions"], factorial(k)) << report.dump(2);
    // Optimal DPOR: the wakeup trees leave no execution that ends with every choice asleep.
    EXPECT_EQ(report["stats"]["sleep_blocked"], 0) << report.dump(2);
}

INSTANTIATE_TEST_SUITE_P(K, SharedMutex, testing::Values(2, 3, 4, 5));

TEST(Dpor, ThreadsOnTheirOwnDataNeedOneExecution) {
    TempDir directory;
    std::string program = directory.file("own.c", workers_program(5, true));
    auto report = check_json(program, {"--strategy", "dpor"}, directory.path());
    EXPECT_EQ(report["verdict"], "verified");
    EXPECT_EQ(report["stats"]["executions"], 1) << report.dump(2);
}

TEST(Dpor, TheDefaultVerifiesASmallCorrectProgram) {
    TempDir directory;
    std::string program = directory.file("workers.c", workers_program(3, false));
    auto report = check_json(program, {}, directory.path());
    EXPECT_EQ(report["verdict"], "verified");
    EXPECT_EQ(report["stats"]["strategy"], "dpor");
}

// Check-then-act on a balance: both withdrawals see 100 if one is preempted between its load
// and its store (both atomic, so both are scheduling points). Every strategy must find it.
constexpr const char* kLostUpdate = R"(#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
atomic_int balance = 100;
atomic_int paid_out;
void* withdraw(void* arg) {
    int seen = atomic_load(&balance);
    if (seen >= 60) {
        atomic_store(&balance, seen - 60);
        atomic_fetch_add(&paid_out, 60);
    }
    return 0;
}
int main(void) {
    pthread_t a, b;
    pthread_create(&a, 0, withdraw, 0);
    pthread_create(&b, 0, withdraw, 0);
    pthread_join(a, 0);
    pthread_join(b, 0);
    assert(atomic_load(&paid_out) <= 100);
    return 0;
}
)";

class Strategy : public testing::TestWithParam<const char*> {};

TEST_P(Strategy, FindsTheLostUpdate) {
    TempDir directory;
    std::string program = directory.file("balance.c", kLostUpdate);
    auto report = check_json(program, {"--strategy", GetParam(), "--time-limit", "20", "--max-executions", "300"}, directory.path());
    ASSERT_EQ(report["verdict"], "bug") << report.dump(2);
    EXPECT_EQ(report["findings"][0]["kind"], "assertion-failure");
    EXPECT_TRUE(fs::exists(fs::path(directory.path()) / "balance.c.baton-schedule"));
}

INSTANTIATE_TEST_SUITE_P(All, Strategy, testing::Values("default", "dpor", "bounded", "pct", "random"));

TEST(Replay, GivesTheSameBytesEveryTime) {
    TempDir directory;
    std::string source = directory.file("lock_order.c");
    fs::copy_file(baton::e2e::source_path("testcases/deadlock/lock_order.c"), source);
    std::string binary = directory.file("lock_order");
    ASSERT_EQ(run_command({baton_binary("baton-cc"), "-o", binary, source}).status, 0);
    auto report = check_json(binary, {}, directory.path());
    ASSERT_EQ(report["verdict"], "bug");
    std::string schedule = report["findings"][0]["schedule"];
    auto first = run_command({baton_binary("baton"), "replay", schedule}, directory.path());
    ASSERT_EQ(first.status, 1) << first.err;
    ASSERT_NE(first.out.find("] deadlock:"), std::string::npos) << first.out;
    // 1000 replays in all, on every core: each must print exactly the first one's bytes.
    constexpr int kRuns = 999, kWorkers = 4;
    std::vector<std::future<int>> workers;
    for (int w = 0; w < kWorkers; ++w) {
        workers.push_back(std::async(std::launch::async, [&, w] {
            int different = 0;
            for (int run = w; run < kRuns; run += kWorkers) {
                auto again = run_command({baton_binary("baton"), "replay", schedule}, directory.path());
                different += again.status != first.status || again.out != first.out;
            }
            return different;
        }));
    }
    int different = 0;
    for (auto& worker : workers) different += worker.get();
    EXPECT_EQ(different, 0) << "replays whose output differed from the first";
}

TEST(Replay, RefusesAScheduleOfAnEditedProgram) {
    TempDir directory;
    std::string source = directory.file("lock_order.c");
    fs::copy_file(baton::e2e::source_path("testcases/deadlock/lock_order.c"), source);
    auto report = check_json(source, {}, directory.path());
    std::string schedule = report["findings"][0]["schedule"];
    std::ofstream(source, std::ios::app) << "\n// edited\n";
    auto replay = run_command({baton_binary("baton"), "replay", schedule}, directory.path());
    EXPECT_EQ(replay.status, 2);
    EXPECT_NE(replay.err.find("has changed since the schedule was recorded"), std::string::npos) << replay.err;
    EXPECT_TRUE(replay.out.empty());
}

TEST(Replay, RejectsFilesThatAreNotSchedules) {
    TempDir directory;
    std::string bogus = directory.file("bogus.baton-schedule", "hello\n");
    for (const std::vector<std::string>& arguments :
         {std::vector<std::string>{bogus}, {directory.file("missing.baton-schedule")}, {}, {"--bogus"}}) {
        std::vector<std::string> command{baton_binary("baton"), "replay"};
        command.insert(command.end(), arguments.begin(), arguments.end());
        auto result = run_command(command, directory.path());
        EXPECT_EQ(result.status, 2);
        EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
        EXPECT_TRUE(result.out.empty());
    }
}

}  // namespace
