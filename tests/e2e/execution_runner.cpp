// The runner's kept process with a request queued behind the running one (`then`): each
// execution's output, findings and exit status are its own, the same as in a process of its
// own, whether the caller then asks for the queued request or for another.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "e2e_support.h"
#include "scheduler/execution_runner.h"

using baton::e2e::baton_binary;
using baton::e2e::run_command;
using baton::e2e::TempDir;
using baton::scheduler::ExecutionOutcome;
using baton::scheduler::RunRequest;

namespace {

// Two threads print their name and race on `shared`; main prints the sum and fails when an
// update was lost: what an execution prints, reports and returns depends on its schedule.
constexpr const char* kSchedulePrinter = R"(#include <pthread.h>
#include <stdio.h>
int shared;
void* worker(void* name) {
    for (int i = 0; i < 3; i++) {
        int seen = shared;
        printf("%s read %d\n", (const char*)name, seen);
        shared = seen + 1;
    }
    return 0;
}
int main(void) {
    pthread_t a, b;
    pthread_create(&a, 0, worker, "a");
    pthread_create(&b, 0, worker, "b");
    pthread_join(a, 0);
    pthread_join(b, 0);
    printf("sum %d\n", shared);
    return shared == 6 ? 0 : 3;
}
)";

struct Seen {
    std::string output;
    std::vector<std::string> findings;  // kind and address of each finding record
    int exit_status = -1;
    bool operator==(const Seen&) const = default;
};

Seen seen_of(const ExecutionOutcome& outcome) {
    Seen seen{outcome.output, {}, outcome.exited ? outcome.exit_status : -1};
    for (const auto& record : outcome.records)
        if (record.value("rec", "") == "finding")
            seen.findings.push_back(record.value("kind", "") + " " + std::to_string(record.value("address", 0ull)));
    return seen;
}

class QueuedRequest : public testing::Test {
protected:
    void SetUp() override {
        std::string source = directory_.file("printer.c", kSchedulePrinter);
        program_ = directory_.file("printer");
        ASSERT_EQ(run_command({baton_binary("baton-cc"), "-o", program_, source}).status, 0);
    }
    void TearDown() override { baton::scheduler::stop_reused_process(); }

    RunRequest request(uint64_t seed, bool reuse) const {
        RunRequest request;
        request.program = program_;
        request.strategy = "random";
        request.seed = seed;
        request.time_limit_ms = 10'000;
        request.reuse_process = reuse;
        request.preempt_all = true;  // every access to `shared` a scheduling point: seeds differ
        return request;
    }

    // What the execution of `seed` shows in a process of its own.
    Seen alone(uint64_t seed) const {
        ExecutionOutcome outcome;
        std::string error;
        EXPECT_TRUE(baton::scheduler::run_execution(request(seed, false), outcome, error)) << error;
        return seen_of(outcome);
    }

    // What it shows in the kept process, which must have run the executions before.
    Seen kept(uint64_t seed, const RunRequest* then = nullptr) {
        ExecutionOutcome outcome;
        std::string error;
        EXPECT_TRUE(baton::scheduler::run_execution(request(seed, true), outcome, error, then)) << error;
        EXPECT_EQ(outcome.new_process, first_) << "seed " << seed;
        first_ = false;
        return seen_of(outcome);
    }

    TempDir directory_;
    std::string program_;
    bool first_ = true;
};

TEST_F(QueuedRequest, EachExecutionKeepsItsOwnOutputFindingsAndStatus) {
    std::vector<Seen> expected;
    for (uint64_t seed = 1; seed <= 8; ++seed) expected.push_back(alone(seed));
    // The seeds must differ in what they show, or the test could not tell them apart.
    int different = 0;
    for (size_t i = 1; i < expected.size(); ++i) different += !(expected[i] == expected[i - 1]);
    ASSERT_GE(different, 4);
    for (uint64_t seed = 1; seed <= 8; ++seed) {
        RunRequest next = request(seed + 1, true);
        Seen got = kept(seed, seed < 8 ? &next : nullptr);
        EXPECT_EQ(got.output, expected[seed - 1].output) << "seed " << seed;
        EXPECT_EQ(got.findings, expected[seed - 1].findings) << "seed " << seed;
        EXPECT_EQ(got.exit_status, expected[seed - 1].exit_status) << "seed " << seed;
    }
}

TEST_F(QueuedRequest, AskingForAnotherRunsTheQueuedOneUnusedFirst) {
    Seen two = alone(2), five = alone(5);
    ASSERT_FALSE(two == five);
    RunRequest queued = request(2, true);
    kept(1, &queued);
    // Not the queued seed 2: seed 5's outcome, not the queued one's.
    Seen got = kept(5);
    EXPECT_EQ(got.output, five.output);
    EXPECT_EQ(got.exit_status, five.exit_status);
    // Seed 2 is posted again and runs.
    got = kept(2);
    EXPECT_EQ(got.output, two.output);
    EXPECT_EQ(got.findings, two.findings);
}

}  // namespace
