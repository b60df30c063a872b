// The systematic search end to end: DPOR's execution counts on programs whose number of
// Mazurkiewicz traces is known, its `verified` verdict, the other strategies finding a bug,
// and replay giving the same bytes every time.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "e2e_support.h"

namespace fs = std::filesystem;
using baton::e2e::baton_binary;
using baton::e2e::run_command;
using baton::e2e::TempDir;
using baton::e2e::racy_counter_program;
using baton::e2e::workers_program;

namespace {

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

// A search whose last execution reaches --max-executions has still seen every trace.
TEST(Dpor, IsCompleteWhenItsLastExecutionUsesUpTheBudget) {
    TempDir directory;
    std::string program = directory.file("workers.c", workers_program(3, false));
    for (const char* jobs : {"1", "2"}) {
        auto report = check_json(program, {"--strategy", "dpor", "--max-executions", "6", "--jobs", jobs},
                                 directory.path());
        EXPECT_EQ(report["verdict"], "verified") << jobs << report.dump(2);
        EXPECT_EQ(report["stats"]["executions"], 6) << jobs << report.dump(2);
        EXPECT_TRUE(report["stats"]["bounds"].empty()) << jobs << report.dump(2);
    }
}

// The second thread takes its own lock 60,000 times before the store that races with the
// first's: the wakeup sequence that reverses the race, and the shared search's tree of states,
// are 120,001 steps deep. Freeing them by recursion overflowed the stack (baton died of
// SIGSEGV with no output); the shared search's settling took over 30 s.
TEST(Dpor, ARaceReversedAfterManyStepsIsVerified) {
    TempDir directory;
    std::string program = directory.file("long_reversal.c", R"(#include <pthread.h>
#include <stdatomic.h>
atomic_int x;
pthread_mutex_t own = PTHREAD_MUTEX_INITIALIZER;
void* first(void* arg) {
    atomic_store(&x, 1);
    return arg;
}
void* second(void* arg) {
    for (int i = 0; i < 60000; i++) {
        pthread_mutex_lock(&own);
        pthread_mutex_unlock(&own);
    }
    atomic_store(&x, 2);
    return arg;
}
int main(void) {
    pthread_t a, b;
    pthread_create(&a, NULL, first, NULL);
    pthread_create(&b, NULL, second, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
)");
    for (const char* jobs : {"1", "2"}) {
        auto report = check_json(program, {"--strategy", "dpor", "--jobs", jobs}, directory.path());
        EXPECT_EQ(report["verdict"], "verified") << jobs << report.dump(2);
        EXPECT_EQ(report["stats"]["executions"], 2) << jobs << report.dump(2);
    }
}

// An execution stopped because it did not end (at the step bound, or by the time limit) was
// not seen whole: the search cannot be complete, whatever it found, and names the bound. The
// worker waits 1 ms of real time per turn, so that the time limit stops it after a few hundred
// steps, not at the 200,000 that make its trace too long to search. (It was "complete" with
// no bound named.)
TEST(Dpor, AnExecutionStoppedForNotEndingLeavesTheSearchIncomplete) {
    TempDir directory;
    std::string program = directory.file("slow_forever.c", R"(#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
long turns;
double now(void) {
    struct timespec t;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}
void* worker(void* arg) {
    for (;;) {
        pthread_mutex_lock(&lock);
        turns++;
        pthread_mutex_unlock(&lock);
        for (double start = now(); now() - start < 0.001;) {}
    }
    return arg;
}
int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return 0;
}
)");
    for (const char* jobs : {"1", "2"}) {
        auto by_steps = check_json(program, {"--strategy", "dpor", "--max-steps", "100", "--jobs", jobs},
                                   directory.path());
        EXPECT_EQ(by_steps["stats"]["complete"], false) << jobs << by_steps.dump(2);
        EXPECT_EQ(by_steps["stats"]["bounds"], nlohmann::json::array({"--max-steps 100"})) << jobs << by_steps.dump(2);
        auto by_time = check_json(program, {"--strategy", "dpor", "--time-limit", "0.5", "--jobs", jobs},
                                  directory.path());
        EXPECT_EQ(by_time["stats"]["complete"], false) << jobs << by_time.dump(2);
        EXPECT_EQ(by_time["stats"]["bounds"], nlohmann::json::array({"--time-limit"})) << jobs << by_time.dump(2);
        for (const nlohmann::json* report : {&by_steps, &by_time})
            EXPECT_EQ((*report)["findings"][0]["kind"], "nontermination") << jobs << report->dump(2);
    }
}

// An execution that the end of the budget cuts short is not explored: a search whose last
// execution it was is not complete. Two threads take a lock once (2 orders); main then spins
// for 0.6 s of real time (read past the runtime's virtual clock), so that the second
// execution begins with 0.4 s of the 1 s budget left and is cut.
TEST(Dpor, AnExecutionTheBudgetCutsIsNotExplored) {
    TempDir directory;
    std::string program = directory.file("slow.c", R"(#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
int count;
void* worker(void* arg) {
    pthread_mutex_lock(&lock);
    count++;
    pthread_mutex_unlock(&lock);
    return arg;
}
double now(void) {
    struct timespec t;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}
int main(void) {
    pthread_t a, b;
    pthread_create(&a, 0, worker, 0);
    pthread_create(&b, 0, worker, 0);
    pthread_join(a, 0);
    pthread_join(b, 0);
    for (double start = now(); now() - start < 0.6;) {}
    return 0;
}
)");
    for (const char* jobs : {"1", "2"}) {
        auto report = check_json(program, {"--strategy", "dpor", "--time-limit", "1", "--jobs", jobs},
                                 directory.path());
        EXPECT_NE(report["verdict"], "verified") << jobs << report.dump(2);
        EXPECT_EQ(report["stats"]["complete"], false) << jobs << report.dump(2);
    }
}

TEST(Dpor, ThreadsOnTheirOwnDataNeedOneExecution) {
    TempDir directory;
    std::string program = directory.file("own.c", workers_program(5, true));
    auto report = check_json(program, {"--strategy", "dpor"}, directory.path());
    EXPECT_EQ(report["verdict"], "verified");
    EXPECT_EQ(report["stats"]["executions"], 1) << report.dump(2);
}

// The server hands each execution's trace back in shared memory (protocol.h:
// ServerChannel, 4 MiB); a longer one goes through the trace file. Two threads each take
// their own lock 20,000 times (80,000 steps, ~6 MB of trace), then a shared one once: the
// search must still see exactly the two orders of the shared critical sections.
TEST(Dpor, CountsTheSameWhenTracesOutgrowTheServersChannel) {
    TempDir directory;
    std::string program = directory.file("long.c", R"(
#include <pthread.h>
pthread_mutex_t own[2], shared = PTHREAD_MUTEX_INITIALIZER;
int counts[2], total;
void* worker(void* arg) {
    long i = (long)arg;
    for (int n = 0; n < 20000; n++) {
        pthread_mutex_lock(&own[i]);
        counts[i]++;
        pthread_mutex_unlock(&own[i]);
    }
    pthread_mutex_lock(&shared);
    total += counts[i];
    pthread_mutex_unlock(&shared);
    return 0;
}
int main(void) {
    pthread_t threads[2];
    for (long i = 0; i < 2; i++) pthread_mutex_init(&own[i], 0);
    for (long i = 0; i < 2; i++) pthread_create(&threads[i], 0, worker, (void*)i);
    for (int i = 0; i < 2; i++) pthread_join(threads[i], 0);
    return total == 40000 ? 0 : 1;
}
)");
    auto report = check_json(program, {"--strategy", "dpor"}, directory.path());
    EXPECT_EQ(report["verdict"], "verified") << report.dump(2);
    EXPECT_EQ(report["stats"]["executions"], 2) << report.dump(2);
}

TEST(Dpor, ALockRacesWithTheHoldersAcquisitionNotItsRecursiveRelock) {
    // Two producers, each: a recursive mutex taken twice, then an error-checking one with a
    // trylock. The two mutexes can each go to either thread first: 4 traces.
    TempDir directory;
    std::string program = directory.file("recursive.c");
    fs::copy_file(baton::e2e::source_path("testcases/deadlock/recursive_mutex.c"), program,
                  fs::copy_options::overwrite_existing);
    auto report = check_json(program, {"--strategy", "dpor"}, directory.path());
    EXPECT_EQ(report["verdict"], "verified") << report.dump(2);
    EXPECT_EQ(report["stats"]["executions"], 4) << report.dump(2);
}

// A handoff through a condition variable: DPOR explores every order of the wait's steps
// (CondWait, the release, the wake, the retaking of the mutex) against main's, and proves the
// program correct. Its traces: the waiter finds `ready` set and never waits; it waits and the
// signal wakes it; it waits and wakes spuriously before the signal (main holds the mutex or
// not: the same trace), then finds `ready` set. Waking spuriously before main sets `ready`,
// it finds nothing changed and waits again: that execution ends as a repeated wait, which
// the executions without that wakeup cover. With `if` instead of `while`, that waiter goes
// on without `ready`: a fourth trace.
TEST(Dpor, VerifiesAProgramThatWaitsOnAConditionVariable) {
    TempDir directory;
    const std::string handoff = R"(#include <pthread.h>
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
int ready;
void* waiter(void* arg) {
    pthread_mutex_lock(&lock);
    while (!ready) pthread_cond_wait(&changed, &lock);
    pthread_mutex_unlock(&lock);
    return arg;
}
int main(void) {
    pthread_t t;
    pthread_create(&t, 0, waiter, 0);
    pthread_mutex_lock(&lock);
    ready = 1;
    pthread_cond_signal(&changed);
    pthread_mutex_unlock(&lock);
    pthread_join(t, 0);
    return 0;
}
)";
    auto dpor = check_json(directory.file("handoff.c", handoff), {"--strategy", "dpor"}, directory.path());
    EXPECT_EQ(dpor["verdict"], "verified") << dpor.dump(2);
    EXPECT_EQ(dpor["stats"]["executions"], 3) << dpor.dump(2);
    EXPECT_EQ(dpor["stats"]["repeated_waits"], 1) << dpor.dump(2);
    EXPECT_EQ(dpor["stats"]["sleep_blocked"], 0) << dpor.dump(2);
    auto portfolio = check_json(directory.file("handoff.c", handoff), {}, directory.path());
    EXPECT_EQ(portfolio["verdict"], "verified") << portfolio.dump(2);
    EXPECT_EQ(portfolio["stats"]["strategy"], "dpor") << portfolio.dump(2);

    std::string once = std::regex_replace(handoff, std::regex("while \\(!ready\\)"), "if (!ready)");
    ASSERT_NE(once, handoff);
    auto if_once = check_json(directory.file("handoff_if.c", once), {"--strategy", "dpor"}, directory.path());
    EXPECT_EQ(if_once["verdict"], "verified") << if_once.dump(2);
    EXPECT_EQ(if_once["stats"]["executions"], 4) << if_once.dump(2);
    EXPECT_EQ(if_once["stats"]["repeated_waits"], 0) << if_once.dump(2);
}

// Two threads nap, then append their number under a lock. Any timed wait may time out,
// whatever the other deadlines (a thread whose nap ended first may be slow to run again): the
// appends come in either order, and DPOR runs each once. A program that counts on the
// shorter nap going first has a bug.
TEST(Dpor, VerifiesTimedWaitsInTwoThreadsWhichDoNotOrderThem) {
    constexpr const char* kNaps = R"(#include <assert.h>
#include <pthread.h>
#include <unistd.h>
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
int order[2], next;
void* napper(void* arg) {
    usleep(arg ? 2000 : 1000);
    pthread_mutex_lock(&lock);
    order[next++] = arg != 0;
    pthread_mutex_unlock(&lock);
    return arg;
}
int main(void) {
    pthread_t threads[2];
    for (long i = 0; i < 2; i++) pthread_create(&threads[i], 0, napper, (void*)i);
    for (int i = 0; i < 2; i++) pthread_join(threads[i], 0);
    CHECK;
    return 0;
}
)";
    TempDir directory;
    std::string program = directory.file("naps.c", std::string("#define CHECK\n") + kNaps);
    auto report = check_json(program, {"--strategy", "dpor"}, directory.path());
    EXPECT_EQ(report["verdict"], "verified") << report.dump(2);
    EXPECT_EQ(report["stats"]["executions"], 2) << report.dump(2);
    EXPECT_EQ(report["stats"]["sleep_blocked"], 0) << report.dump(2);
    std::string ordered = directory.file("ordered.c", std::string("#define CHECK assert(order[0] == 0)\n") + kNaps);
    auto bug = check_json(ordered, {}, directory.path());
    ASSERT_EQ(bug["verdict"], "bug") << bug.dump(2);
    EXPECT_EQ(bug["findings"][0]["kind"], "assertion-failure") << bug.dump(2);
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

// K = 4 threads append their number under one mutex; then main asserts `check` of order[].
std::string appends_under_a_lock(const std::string& check) {
    return R"(#include <assert.h>
#include <pthread.h>
#define K 4
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
int order[K];
int next;
void* worker(void* arg) {
    pthread_mutex_lock(&lock);
    order[next++] = (int)(long)arg;
    pthread_mutex_unlock(&lock);
    return 0;
}
int main(void) {
    pthread_t threads[K];
    for (long i = 0; i < K; i++) pthread_create(&threads[i], 0, worker, (void*)i);
    for (int i = 0; i < K; i++) pthread_join(threads[i], 0);
    )" + check + R"(
    return 0;
}
)";
}

// main fails its assertion in the one order of the K! where they went in reverse. One
// execution of the whole search shows the bug.
const std::string kReversedOrder = appends_under_a_lock(
    "int reversed = 1;\n    for (int i = 0; i < K; i++) reversed &= order[i] == K - 1 - i;\n    assert(!reversed);");

std::set<std::string> finding_names(const nlohmann::json& report) {
    std::set<std::string> names;
    for (const auto& finding : report["findings"])
        names.insert(finding["kind"].get<std::string>() + ": " + finding["message"].get<std::string>());
    return names;
}

// A failed assertion, abort(), a division by zero and a null pointer end the execution, not
// the process: the runtime resets the process as after a normal end (runtime/server.h), and
// the parent sees the execution as killed by the signal. Another memory fault still ends the
// process.
TEST(Reset, AnAbortEndsTheExecutionNotTheProcess) {
    TempDir directory;
    // main's assertion fails in 18 of the 24 orders; DPOR still runs each order once.
    std::string first = directory.file("first.c", appends_under_a_lock("assert(order[0] == 0);"));
    auto report = check_json(first, {"--strategy", "dpor"}, directory.path());
    ASSERT_EQ(report["verdict"], "bug") << report.dump(2);
    EXPECT_EQ(report["findings"][0]["kind"], "assertion-failure") << report.dump(2);
    EXPECT_EQ(report["stats"]["executions"], factorial(4)) << report.dump(2);
    EXPECT_EQ(report["stats"]["processes"], 1) << report.dump(2);

    // In a thread while main waits for it: every execution fails.
    for (const char* name : {"abort_in_thread.c", "division_by_zero.c", "null_dereference.c"}) {
        std::string program = directory.file(name);
        fs::copy_file(baton::e2e::source_path(std::string("testcases/crash/") + name), program);
        auto crashed = check_json(program, {"--strategy", "random", "--max-executions", "20"}, directory.path());
        ASSERT_EQ(crashed["verdict"], "bug") << crashed.dump(2);
        EXPECT_TRUE(std::any_of(crashed["findings"].begin(), crashed["findings"].end(),
                                [](const nlohmann::json& finding) { return finding["kind"] == "crash"; }))
            << crashed.dump(2);
        EXPECT_EQ(crashed["stats"]["executions"], 20) << crashed.dump(2);
        EXPECT_EQ(crashed["stats"]["processes"], 1) << name << crashed.dump(2);
        auto replayed = run_command({baton_binary("baton"), "replay", program + ".baton-schedule"});
        EXPECT_NE(replayed.out.find("crash"), std::string::npos) << replayed.out << replayed.err;
    }
}

// A block of 128 KiB or more was a mapping of its own, which the reset cannot undo when the
// block is alive at an execution's end: the next execution then started a new process. The
// seed's strict alternation (a million turns each, about 1 s an execution) left such a block.
TEST(Reset, BigBlocksAliveAtTheEndDoNotCostAProcess) {
    TempDir directory;
    std::string program = directory.file("mutual.c");
    fs::copy_file(baton::e2e::source_path("testcases/seeds/mutual.c"), program);
    auto report = check_json(program, {"--strategy", "random", "--max-executions", "2"}, directory.path());
    EXPECT_EQ(report["stats"]["executions"], 2) << report.dump(2);
    EXPECT_EQ(report["stats"]["processes"], 1) << report.dump(2);
}

// A buyer fails while the others still wait for the lock. Whether it fails by an assertion
// (the process is reset) or by a memory fault (the process dies), the trace DPOR reads says
// what the others would have done next: the search runs the same executions.
TEST(Reset, AMemoryFaultEndsTheProcessAndTellsDporAsMuchAsAnAbort) {
    constexpr const char* kBuyers = R"(#include <assert.h>
#include <pthread.h>
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
int stock = 1;
void* buyer(void* arg) {
    pthread_mutex_lock(&lock);
    int left = stock;
    pthread_mutex_unlock(&lock);
    pthread_mutex_lock(&lock);
    stock = left - 1;
    pthread_mutex_unlock(&lock);
    CHECK(left > 0);
    return arg;
}
int main(void) {
    pthread_t threads[3];
    for (int i = 0; i < 3; i++) pthread_create(&threads[i], 0, buyer, 0);
    for (int i = 0; i < 3; i++) pthread_join(threads[i], 0);
    return 0;
}
)";
    TempDir directory;
    auto variant = [&](const std::string& name, const std::string& check) {
        return directory.file(name, "#define CHECK(c) " + check + "\n" + kBuyers);
    };
    auto aborts = check_json(variant("aborts.c", "assert(c)"), {"--strategy", "dpor"}, directory.path());
    // A segmentation fault at no address: the runtime cannot tell what was written before.
    auto faults = check_json(variant("faults.c", "do { if (!(c)) raise(SIGSEGV); } while (0)\n#include <signal.h>"),
                             {"--strategy", "dpor"}, directory.path());
    ASSERT_EQ(aborts["verdict"], "bug") << aborts.dump(2);
    ASSERT_EQ(faults["verdict"], "bug") << faults.dump(2);
    EXPECT_EQ(faults["findings"][0]["kind"], "crash") << faults.dump(2);
    EXPECT_EQ(aborts["stats"]["complete"], true) << aborts.dump(2);
    EXPECT_EQ(faults["stats"]["complete"], true) << faults.dump(2);
    EXPECT_EQ(faults["stats"]["executions"], aborts["stats"]["executions"]) << faults.dump(2) << aborts.dump(2);
    EXPECT_EQ(aborts["stats"]["processes"], 1) << aborts.dump(2);
    // Each fault ends its process: the next execution starts a new one.
    EXPECT_GT(faults["stats"]["processes"], 1) << faults.dump(2);
}

TEST(Shards, TogetherFindWhatTheWholeSearchFinds) {
    TempDir directory;
    std::string source = directory.file("reversed.c", kReversedOrder);
    std::string binary = directory.file("reversed");
    ASSERT_EQ(run_command({baton_binary("baton-cc"), "-o", binary, source}).status, 0);
    auto whole = check_json(binary, {"--strategy", "dpor"}, directory.path());
    ASSERT_EQ(whole["verdict"], "bug") << whole.dump(2);
    std::set<std::string> found;
    for (const char* shard : {"1/3", "2/3", "3/3"}) {
        auto part = check_json(binary, {"--strategy", "dpor", "--shard", shard}, directory.path());
        for (const std::string& name : finding_names(part)) found.insert(name);
    }
    EXPECT_EQ(found, finding_names(whole));
}

TEST(Shards, EachCompletesItsPartWithFewerExecutionsThanTheWhole) {
    TempDir directory;
    std::string program = directory.file("workers.c", workers_program(4, false));
    uint64_t executions = 0;
    for (const char* shard : {"1/3", "2/3", "3/3"}) {
        auto part = check_json(program, {"--strategy", "dpor", "--shard", shard}, directory.path());
        EXPECT_EQ(part["verdict"], "verified") << shard << part.dump(2);
        EXPECT_EQ(part["stats"]["complete"], true) << shard << part.dump(2);
        EXPECT_LT(part["stats"]["executions"], factorial(4)) << shard << part.dump(2);
        EXPECT_EQ(part["stats"]["sleep_blocked"], 0) << shard << part.dump(2);
        executions += part["stats"]["executions"].get<uint64_t>();
    }
    EXPECT_GE(executions, factorial(4));
}

TEST(Jobs, TwoGiveTheVerdictAndFindingsOfOne) {
    TempDir directory;
    std::string source = directory.file("reversed.c", kReversedOrder);
    std::string binary = directory.file("reversed");
    ASSERT_EQ(run_command({baton_binary("baton-cc"), "-o", binary, source}).status, 0);
    auto one = check_json(binary, {"--strategy", "dpor", "--jobs", "1"}, directory.path());
    auto two = check_json(binary, {"--strategy", "dpor", "--jobs", "2"}, directory.path());
    EXPECT_EQ(two["verdict"], one["verdict"]) << two.dump(2);
    EXPECT_EQ(finding_names(two), finding_names(one)) << two.dump(2);
    EXPECT_EQ(two["stats"]["executions"], one["stats"]["executions"]) << two.dump(2);
    auto replayed = run_command({baton_binary("baton"), "replay", binary + ".baton-schedule"});
    EXPECT_EQ(replayed.status, 1) << replayed.out << replayed.err;
}

// With two runners (`--jobs 4`) executions end in any order, but they are recorded in the
// order they were planned: the report (the executions run, which one showed the failure
// first, its schedule) is the same every time. main's assertion fails in 18 of 24 orders,
// after a while of a random length (which changes no step), so that executions end in
// another order in every run.
TEST(Jobs, FourGiveTheSameReportEveryTime) {
    TempDir directory;
    std::string program = directory.file(
        "first.c", "#include <stdio.h>\n" +
                       appends_under_a_lock("unsigned r = 0;\n"
                                            "    FILE* random = fopen(\"/dev/urandom\", \"r\");\n"
                                            "    fread(&r, sizeof r, 1, random);\n"
                                            "    fclose(random);\n"
                                            "    for (volatile unsigned i = 0; i < r % 300000; i++) {}\n"
                                            "    assert(order[0] == 0);"));
    std::string first;
    for (int run = 0; run < 4; ++run) {
        auto report = check_json(program, {"--strategy", "dpor", "--jobs", "4"}, directory.path());
        ASSERT_EQ(report["verdict"], "bug") << report.dump(2);
        for (const char* timing : {"seconds", "processes"}) report["stats"].erase(timing);
        std::string text = report["stats"].dump() + "\n";
        for (const auto& finding : report["findings"]) text += finding["found_in"].get<std::string>() + "\n";
        std::string schedule;
        std::getline(std::ifstream(program + ".baton-schedule"), schedule, '\0');
        text += schedule;
        if (run == 0) first = text;
        else EXPECT_EQ(text, first) << "run " << run;
    }
}

// The runners share one search: each order of the critical sections runs once, as with one,
// and each runner keeps its own program process.
TEST(Jobs, ShareOneSearchWithoutRunningAnOrderTwice) {
    TempDir directory;
    for (int k : {3, 4, 5}) {
        std::string workers = directory.file("workers" + std::to_string(k) + ".c", workers_program(k, false));
        for (const char* jobs : {"2", "4"}) {  // one runner, two
            auto report = check_json(workers, {"--strategy", "dpor", "--jobs", jobs}, directory.path());
            EXPECT_EQ(report["verdict"], "verified") << report.dump(2);
            EXPECT_EQ(report["stats"]["complete"], true) << report.dump(2);
            EXPECT_EQ(report["stats"]["executions"], factorial(k)) << k << " threads, --jobs " << jobs;
            EXPECT_LE(report["stats"]["processes"], std::stoi(jobs) / 2) << report.dump(2);
        }
    }
    // A shard's search is shared the same way: each completes its part.
    std::string four = directory.file("workers4.c");
    for (const char* shard : {"1/2", "2/2"}) {
        auto part = check_json(four, {"--strategy", "dpor", "--shard", shard, "--jobs", "2"}, directory.path());
        EXPECT_EQ(part["verdict"], "verified") << shard << part.dump(2);
        EXPECT_LT(part["stats"]["executions"], factorial(4)) << shard << part.dump(2);
    }
    // PCT's seeds go to the runners in turn: the budget is spent once.
    std::string racy = directory.file("racy.c", racy_counter_program());
    auto sampled = check_json(racy, {"--strategy", "pct", "--jobs", "2", "--max-executions", "40"}, directory.path());
    EXPECT_EQ(sampled["verdict"], "bug") << sampled.dump(2);
    EXPECT_EQ(sampled["stats"]["executions"], 40) << sampled.dump(2);
    EXPECT_EQ(sampled["stats"]["strategy"], "pct") << sampled.dump(2);
}

// Every execution hangs. The runner's second execution waits behind the first, which runs
// until the budget ends; it then begins with nothing left, and must end at once, uncounted.
// It was given the time there had been when it was planned: it ran a second whole time limit
// (stats.seconds 2.1 for --time-limit 1) and was counted as a second hang.
TEST(Jobs, AnExecutionWaitingBehindAHangEndsWithTheBudget) {
    TempDir directory;
    std::string program = directory.file("spins.c", baton::e2e::locks_forever_program());
    auto report = check_json(program, {"--strategy", "pct", "--jobs", "2", "--time-limit", "1"}, directory.path());
    EXPECT_EQ(report["stats"]["executions"], 1) << report.dump(2);
    EXPECT_LT(report["stats"]["seconds"].get<double>(), 1.8) << report.dump(2);
    EXPECT_EQ(report["findings"][0]["kind"], "nontermination") << report.dump(2);
}

// Explaining the findings (shortening each schedule, telling each story) runs the program
// again, an execution or a few per finding. Each execution here sleeps 0.3 s (a raw system
// call: baton's time is virtual, the kernel's is not), and six findings show in the first:
// explained whole, they took 25 executions (over 7 s) past a 2 s budget. Now only the first
// finding is explained whatever the time, the others while 2 s last past the search. Every
// execution appends a byte to runs.log, so the executions after the search are counted.
TEST(Budget, ExplainingTheFindingsFitsInTheTimeLimit) {
    TempDir directory;
    std::string program = directory.file("slow_races.c", R"(#include <fcntl.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
int a, b, c, d, e, f;
void* on_a(void* arg) { a++; return arg; }
void* on_b(void* arg) { b++; return arg; }
void* on_c(void* arg) { c++; return arg; }
void* on_d(void* arg) { d++; return arg; }
void* on_e(void* arg) { e++; return arg; }
void* on_f(void* arg) { f++; return arg; }
void* (*const work[6])(void*) = {on_a, on_b, on_c, on_d, on_e, on_f};
int main(void) {
    int fd = open("runs.log", O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (write(fd, "x", 1) != 1) return 3;
    close(fd);
    struct timespec pause = {0, 300000000};
    syscall(SYS_nanosleep, &pause, 0);
    pthread_t threads[12];
    for (int i = 0; i < 12; i++) pthread_create(&threads[i], 0, work[i / 2], 0);
    for (int i = 0; i < 12; i++) pthread_join(threads[i], 0);
    return 0;
}
)");
    auto report = check_json(program, {"--strategy", "random", "--jobs", "1", "--time-limit", "2"}, directory.path());
    ASSERT_EQ(report["findings"].size(), 6u) << report.dump(2);
    EXPECT_FALSE(report["findings"][0].value("story", "").empty()) << report.dump(2);
    uint64_t searched = report["stats"]["executions"];
    uint64_t all = fs::file_size(fs::path(directory.path()) / "runs.log");
    ASSERT_GE(all, searched);
    EXPECT_LE(all - searched, 13u) << "executions after the search; " << report.dump(2);
}

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

// A long execution prints its first and last 1000 steps and says which it leaves out;
// --all-steps prints them all.
TEST(Replay, ShowsTheEndsOfALongTraceAndAllOfItWhenAsked) {
    TempDir directory;
    std::string source = directory.file("long_then_stuck.c", R"(#include <pthread.h>
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
int main(void) {
    for (int i = 0; i < 1500; i++) {
        pthread_mutex_lock(&lock);
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    pthread_mutex_lock(&lock);
    return 0;
}
)");
    auto report = check_json(source, {}, directory.path());
    ASSERT_EQ(report["verdict"], "bug") << report.dump(2);
    std::string schedule = report["findings"][0]["schedule"];
    // A step's line begins with its number, right-aligned in six columns.
    auto step_line = [](size_t step) {
        std::string number = std::to_string(step);
        return "\n" + std::string(number.size() < 6 ? 6 - number.size() : 0, ' ') + number + "  ";
    };
    auto brief = run_command({baton_binary("baton"), "replay", schedule}, directory.path());
    ASSERT_EQ(brief.status, 1) << brief.err;
    EXPECT_NE(brief.out.find("] deadlock:"), std::string::npos) << brief.out;
    // 3000 lock and unlock steps, then the last lock: steps 1001 to the 1000th from the end.
    std::regex left_out(R"(\n  \.\.\. steps 1001-(\d+) not shown \((\d+) steps; --all-steps prints them\)\n)");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(brief.out, match, left_out)) << brief.out.substr(0, 3000);
    size_t total = std::stoul(match[1]) + 1000;
    EXPECT_GT(total, 3000u);
    EXPECT_EQ(std::stoul(match[2]), total - 2000);
    auto full = run_command({baton_binary("baton"), "replay", "--all-steps", schedule}, directory.path());
    ASSERT_EQ(full.status, 1) << full.err;
    EXPECT_EQ(full.out.find("not shown"), std::string::npos);
    // Every step has its line: the step numbers run up to the total.
    EXPECT_NE(full.out.find(step_line(total)), std::string::npos) << total;
    EXPECT_NE(brief.out.find(step_line(total)), std::string::npos) << total;
    EXPECT_EQ(brief.out.find(step_line(1001)), std::string::npos);
    EXPECT_NE(full.out.find(step_line(1001)), std::string::npos);
}

// The program reads how many threads to start from standard input, and aborts unless it
// reads 2: every execution must read the --stdin file from its start, the executions of a
// process reset in place included, and so must the replay of a finding.
TEST(Stdin, EveryExecutionAndTheReplayReadTheFileFromItsStart) {
    TempDir directory;
    std::string input = directory.file("threads.txt", "2\n");
    std::string program = directory.file("from_input.c", R"(#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
int shared;
void* work(void* arg) { shared++; return arg; }
int main(void) {
    int n = 0;
    if (scanf("%d", &n) != 1 || n != 2) abort();
    pthread_t threads[2];
    for (int i = 0; i < n; i++) pthread_create(&threads[i], 0, work, 0);
    for (int i = 0; i < n; i++) pthread_join(threads[i], 0);
    return 0;
}
)");
    auto sampled = check_json(program, {"--stdin", input, "--strategy", "random", "--max-executions", "5"},
                              directory.path());
    EXPECT_EQ(sampled["stats"]["executions"], 5) << sampled.dump(2);
    EXPECT_EQ(sampled["stats"]["processes"], 1) << sampled.dump(2);
    for (const nlohmann::json& finding : sampled["findings"]) EXPECT_EQ(finding["kind"], "data-race") << sampled.dump(2);
    auto report = check_json(program, {"--stdin", input}, directory.path());
    ASSERT_EQ(report["findings"].size(), 1u) << report.dump(2);
    EXPECT_EQ(report["findings"][0]["kind"], "data-race") << report.dump(2);
    std::string schedule = report["findings"][0]["schedule"];
    auto replay = run_command({baton_binary("baton"), "replay", schedule}, directory.path());
    EXPECT_EQ(replay.status, 1) << replay.err;
    EXPECT_NE(replay.out.find("data race"), std::string::npos) << replay.out;
    EXPECT_EQ(replay.out.find("abort"), std::string::npos) << replay.out;
    // Standard input redirected from the file is the same; without the input, the program
    // aborts; with other input, the schedule is refused.
    auto redirected = run_command({"/bin/sh", "-c", "exec \"$0\" check --format json --max-executions 3 \"$1\" < \"$2\"",
                                   baton_binary("baton"), program, input}, directory.path());
    auto redirected_report = nlohmann::json::parse(redirected.out, nullptr, false);
    ASSERT_TRUE(redirected_report.is_object()) << redirected.out << redirected.err;
    EXPECT_EQ(redirected_report["findings"][0]["kind"], "data-race") << redirected.out << redirected.err;
    // A file the shell has partly read already (`while read f; do baton check "$f"; done <
    // list`) is the shell's input, not the program's: the program reads nothing.
    auto partly_read = run_command({"/bin/sh", "-c",
                                    "exec < \"$2\"; read line; exec \"$0\" check --format json --max-executions 1 \"$1\"",
                                    baton_binary("baton"), program, input},
                                   directory.path());
    auto partly_read_report = nlohmann::json::parse(partly_read.out, nullptr, false);
    ASSERT_TRUE(partly_read_report.is_object()) << partly_read.out << partly_read.err;
    EXPECT_EQ(partly_read_report["findings"][0]["kind"], "crash") << partly_read.out;
    auto without = check_json(program, {"--max-executions", "1"}, directory.path());
    EXPECT_EQ(without["findings"][0]["kind"], "crash") << without.dump(2);
    std::ofstream(input) << "3\n";
    replay = run_command({baton_binary("baton"), "replay", schedule}, directory.path());
    EXPECT_EQ(replay.status, 2);
    EXPECT_NE(replay.err.find("the input '" + fs::path(input).string() + "' has changed"), std::string::npos)
        << replay.err;
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

// A schedule of the first format counted a condition wait's steps differently: refused, with
// what to do, not replayed into a different execution.
TEST(Replay, RefusesAScheduleOfAnOlderFormat) {
    TempDir directory;
    std::string source = directory.file("lock_order.c");
    fs::copy_file(baton::e2e::source_path("testcases/deadlock/lock_order.c"), source);
    auto report = check_json(source, {}, directory.path());
    std::string schedule = report["findings"][0]["schedule"];
    std::ifstream in(schedule);
    std::string rest((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_EQ(rest.substr(0, rest.find('\n')), "baton-schedule 2");
    std::ofstream(schedule) << "baton-schedule 1" << rest.substr(rest.find('\n'));
    auto replay = run_command({baton_binary("baton"), "replay", schedule}, directory.path());
    EXPECT_EQ(replay.status, 2);
    EXPECT_NE(replay.err.find("written by an older baton"), std::string::npos) << replay.err;
    EXPECT_EQ(std::count(replay.err.begin(), replay.err.end(), '\n'), 1) << replay.err;
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
