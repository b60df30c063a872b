// `--preempt all`: every access to shared memory is a scheduling point, not only the
// locations found racy. The steps show in schedules and replays; DPOR still runs one execution
// per order of what conflicts; a schedule remembers which scheduling points it counted.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "e2e_support.h"

using baton::e2e::baton_binary;
using baton::e2e::CommandResult;
using baton::e2e::run_command;
using baton::e2e::run_command_with_input;
using baton::e2e::TempDir;
using baton::e2e::workers_program;

namespace {

// `counter` is always under the lock, so never racy; `unguarded` races. (Longs: a step names
// the 8 bytes it touches, and two ints could share them.)
constexpr const char* kProgram = R"(#include <pthread.h>
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
long counter, unguarded;
void* worker(void* arg) {
    pthread_mutex_lock(&lock);
    counter++;
    pthread_mutex_unlock(&lock);
    unguarded++;
    return 0;
}
int main(void) {
    pthread_t a, b;
    pthread_create(&a, 0, worker, 0);
    pthread_create(&b, 0, worker, 0);
    pthread_join(a, 0);
    pthread_join(b, 0);
    return 0;
}
)";

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Checks the program, then replays the schedule saved for its race.
struct CheckedAndReplayed {
    CommandResult check, replay;
    std::string schedule;
};

CheckedAndReplayed check_and_replay(const TempDir& directory, const std::vector<std::string>& options) {
    std::vector<std::string> command{baton_binary("baton"), "check", "--strategy", "dpor"};
    command.insert(command.end(), options.begin(), options.end());
    command.push_back("guarded.c");
    CheckedAndReplayed result;
    result.check = run_command(command, directory.path());
    result.schedule = read_file(directory.file("guarded.c.baton-schedule"));
    result.replay = run_command({baton_binary("baton"), "replay", "guarded.c.baton-schedule"}, directory.path());
    return result;
}

TEST(PreemptAll, SharedAccessesBecomeStepsAndTheScheduleSaysSo) {
    TempDir directory;
    directory.file("guarded.c", kProgram);
    CheckedAndReplayed all = check_and_replay(directory, {"--preempt", "all"});
    ASSERT_EQ(all.check.status, 1) << all.check.out << all.check.err;
    EXPECT_NE(all.check.out.find("data race on 'unguarded'"), std::string::npos) << all.check.out;
    EXPECT_NE(all.schedule.find("\npreempt-all true\n"), std::string::npos) << all.schedule;
    ASSERT_EQ(all.replay.status, 1) << all.replay.err;
    // The guarded counter is a step of its own, although it never races.
    EXPECT_NE(all.replay.out.find("'counter'"), std::string::npos) << all.replay.out;

    CheckedAndReplayed racy = check_and_replay(directory, {});
    ASSERT_EQ(racy.check.status, 1) << racy.check.out << racy.check.err;
    EXPECT_EQ(racy.schedule.find("preempt-all"), std::string::npos) << racy.schedule;
    EXPECT_EQ(racy.replay.out.find("'counter'"), std::string::npos) << racy.replay.out;
    EXPECT_NE(racy.replay.out.find("'unguarded'"), std::string::npos) << racy.replay.out;
}

TEST(PreemptAll, DporStillRunsOneExecutionPerOrderOfTheCriticalSections) {
    // Four threads, each taking the lock once to increment the counter: 4! orders, and the
    // counter's accesses, ordered by the lock, add none.
    TempDir directory;
    std::string program = directory.file("workers.c", workers_program(4, false));
    CommandResult result = run_command(
        {baton_binary("baton"), "check", "--strategy", "dpor", "--preempt", "all", "--format", "json", program},
        directory.path());
    ASSERT_EQ(result.status, 0) << result.out << result.err;
    nlohmann::json report = nlohmann::json::parse(result.out);
    EXPECT_EQ(report["verdict"], "verified");
    EXPECT_EQ(report["stats"]["executions"], 24) << result.out;
}

TEST(PreemptAll, ExploreTakesTheSchedulesSetting) {
    TempDir directory;
    directory.file("guarded.c", kProgram);
    CheckedAndReplayed all = check_and_replay(directory, {"--preempt", "all"});
    ASSERT_EQ(all.check.status, 1) << all.check.err;
    CommandResult session = run_command_with_input(
        {baton_binary("baton"), "explore", "--schedule", "guarded.c.baton-schedule"}, "trace\n", directory.path());
    ASSERT_EQ(session.status, 0) << session.err;
    EXPECT_NE(session.out.find("'counter'"), std::string::npos) << session.out;

    // Its steps count the accesses to `counter`: read with only the racy locations as
    // scheduling points, they would mean another interleaving.
    CommandResult conflict = run_command_with_input(
        {baton_binary("baton"), "explore", "--preempt", "racy", "--schedule", "guarded.c.baton-schedule"}, "",
        directory.path());
    EXPECT_EQ(conflict.status, 2);
    EXPECT_EQ(conflict.err,
              "baton explore: 'guarded.c.baton-schedule' was recorded with --preempt all: its steps count those "
              "scheduling points\n");
}

TEST(PreemptAll, AnUnknownValueIsOneLineAndExitStatusTwo) {
    CommandResult check = run_command({baton_binary("baton"), "check", "--preempt", "some", "x.c"});
    EXPECT_EQ(check.status, 2);
    EXPECT_EQ(check.err, "baton check: --preempt must be racy or all, not 'some'\n");
    CommandResult explore = run_command({baton_binary("baton"), "explore", "--preempt=some", "x.c"});
    EXPECT_EQ(explore.status, 2);
    EXPECT_EQ(explore.err, "baton explore: --preempt must be racy or all, not 'some'\n");
}

}  // namespace
