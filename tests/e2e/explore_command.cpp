// `baton explore` end to end, driven by scripts on stdin as a user would pipe them: the lost
// update of race.c reached step by step, going back and jumping, running a thread until it
// blocks or reaches a line, saving and loading schedules, starting from a finding's schedule,
// and bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "e2e_support.h"

using baton::e2e::baton_binary;
using baton::e2e::CommandResult;
using baton::e2e::run_command;
using baton::e2e::run_command_with_input;
using baton::e2e::source_path;
using baton::e2e::TempDir;

namespace {

CommandResult explore(const std::vector<std::string>& arguments, const std::string& script,
                      const std::string& directory = "") {
    std::vector<std::string> command{baton_binary("baton"), "explore"};
    command.insert(command.end(), arguments.begin(), arguments.end());
    return run_command_with_input(command, script, directory);
}

// The output from the echo of `command` (the n-th time it appears) to the next prompt.
std::string answer(const std::string& out, const std::string& command, int nth = 1) {
    size_t at = 0;
    for (int i = 0; i < nth; ++i) {
        at = out.find("(baton) " + command + "\n", i == 0 ? 0 : at + 1);
        if (at == std::string::npos) return "";
    }
    at += command.size() + 9;
    size_t end = out.find("(baton) ", at);
    return out.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

struct Write {
    int step, thread;
    long value;
};

// The writes of 'mails' in trace lines ("    14       1  write  'mails'  3  race.c:13 ...").
std::vector<Write> mails_writes(const std::string& text) {
    std::vector<Write> writes;
    std::regex line(R"(^\s*(\d+)\s+(\d+)\s+write\s+'mails'\s+(-?\d+)\s+\S*race\.c:13)");
    std::istringstream in(text);
    for (std::string row; std::getline(in, row);) {
        std::smatch match;
        if (std::regex_search(row, match, line))
            writes.push_back({std::stoi(match[1]), std::stoi(match[2]), std::stol(match[3])});
    }
    return writes;
}

constexpr const char* kLostUpdateScript = R"(# main creates both threads
jump 4
threads
# thread 1 increments twice and stops between its load and its store of mails
step 1 3
threads
# thread 2 increments five times
step 2 6
threads
# thread 1 stores what it loaded before thread 2 ran, plus one
step 1
trace
quit
)";

TEST(Explore, AScriptReachesTheLostUpdateOfRaceC) {
    CommandResult result = explore({source_path("testcases/seeds/race.c")}, kLostUpdateScript);
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.out.find("found data-race: data race on 'mails'"), std::string::npos) << result.out;
    // Before: both threads are between a load and a store of mails, which holds 7.
    std::string before = answer(result.out, "threads", 3);
    EXPECT_NE(before.find("at step 13") , std::string::npos) << result.out;
    EXPECT_TRUE(std::regex_search(before, std::regex(R"(\n\s+1\s+runnable\s+write 'mails' \(now 7\)\s+\S*race\.c:13)")))
        << before;
    std::vector<Write> writes = mails_writes(answer(result.out, "trace"));
    ASSERT_EQ(writes.size(), 8u) << result.out;
    // Thread 1 wrote 1 and 2, thread 2 went on from 2 to 7, then thread 1 wrote 2 + 1.
    const Write& last = writes.back();
    const Write& previous = writes[writes.size() - 2];
    EXPECT_EQ(last.thread, 1);
    EXPECT_EQ(previous.thread, 2);
    EXPECT_EQ(writes[1].thread, 1);
    EXPECT_EQ(last.value, writes[1].value + 1) << "thread 1 writes the value it read before thread 2 ran, plus one";
    EXPECT_LT(last.value, previous.value) << "the increments of thread 2 are lost";
    EXPECT_EQ(previous.value, 7);
}

// The first `lines` lines of `text`.
std::string head(const std::string& text, size_t lines) {
    size_t at = 0;
    for (size_t i = 0; i < lines && at != std::string::npos; ++i) at = text.find('\n', at) + 1;
    return at == std::string::npos || at == 0 ? text : text.substr(0, at);
}

TEST(Explore, GoingBackShowsTheStepsAsTheyWere) {
    CommandResult result = explore({source_path("testcases/seeds/race.c")},
                                   "jump 4\nstep 1 3\nstep 2 6\nstep 1\ntrace\nback 5\ntrace\njump 2\ntrace\n"
                                   "back 100\njump 0\ntrace\n");
    ASSERT_EQ(result.status, 0) << result.err;
    std::string forward = answer(result.out, "trace", 1);
    ASSERT_EQ(mails_writes(forward).size(), 8u) << result.out;
    EXPECT_EQ(answer(result.out, "trace", 2), head(forward, 1 + 9));
    EXPECT_EQ(answer(result.out, "trace", 3), head(forward, 1 + 2));
    EXPECT_NE(answer(result.out, "back 5").find("at step 9"), std::string::npos) << result.out;
    EXPECT_NE(answer(result.out, "back 100").find("only 2 steps were taken"), std::string::npos) << result.out;
    EXPECT_NE(answer(result.out, "jump 0").find("at step 0"), std::string::npos) << result.out;
    EXPECT_EQ(answer(result.out, "trace", 4), "no step taken yet\n");
}

TEST(Explore, HelpListsEveryCommandAndAnUnknownOneGetsAHint) {
    CommandResult result = explore({source_path("testcases/seeds/race.c")},
                                   "help\nfrobnicate 3\nstep 9\nstep x\nstep 1 0\nrun\njump\nthreads\n");
    ASSERT_EQ(result.status, 0) << result.err;
    std::string help = answer(result.out, "help");
    for (const char* command : {"threads", "step", "run", "back", "jump", "trace", "races", "save", "load",
                                "help", "quit"})
        EXPECT_NE(help.find("\n  " + std::string(command) + " "), std::string::npos) << command;
    EXPECT_EQ(answer(result.out, "frobnicate 3"), "unknown command 'frobnicate' (try 'help')\n");
    EXPECT_EQ(answer(result.out, "step 9"), "there is no thread 9 yet\n");
    EXPECT_NE(answer(result.out, "step x").find("is not a thread"), std::string::npos);
    EXPECT_NE(answer(result.out, "step 1 0").find("count must be"), std::string::npos);
    EXPECT_NE(answer(result.out, "run").find("run T"), std::string::npos);
    EXPECT_NE(answer(result.out, "jump").find("jump N"), std::string::npos);
    // The session went on after each: the last command still answers.
    EXPECT_NE(answer(result.out, "threads").find("create thread 1"), std::string::npos) << result.out;
}

constexpr const char* kLockProgram = R"(#include <pthread.h>
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
int shared;
void* worker(void* arg) {
    pthread_mutex_lock(&m);
    shared++;
    pthread_mutex_unlock(&m);
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

TEST(Explore, RunStopsWhereAThreadBlocksOrReachesALine) {
    TempDir directory;
    std::string program = directory.file("locks.c", kLockProgram);
    CommandResult result = explore({program}, "jump 4\nrun 1 until locks.c:7\nrun 2\nstep 2\nrun 1\nthreads\n");
    ASSERT_EQ(result.status, 0) << result.err;
    std::string until = answer(result.out, "run 1 until locks.c:7");
    EXPECT_TRUE(std::regex_search(until, std::regex(R"(\n\s+1\s+runnable\s+unlock 'm'\s+\S*locks\.c:7 \(worker\))")))
        << until;
    std::string blocked = answer(result.out, "run 2");
    EXPECT_TRUE(std::regex_search(blocked, std::regex(R"(\n\s+2\s+blocked\s+lock 'm'\s+\S*locks\.c:5 \(worker\))")))
        << blocked;
    EXPECT_EQ(answer(result.out, "step 2"), "thread 2 is blocked: lock 'm'\n");
    // Thread 1 unlocks and ends; thread 2 can take the lock now.
    std::string after = answer(result.out, "threads");
    EXPECT_TRUE(std::regex_search(after, std::regex(R"(\n\s+1\s+finished)"))) << after;
    EXPECT_TRUE(std::regex_search(after, std::regex(R"(\n\s+2\s+runnable\s+lock 'm')"))) << after;
}

TEST(Explore, SavedStepsLoadAndStartASession) {
    TempDir directory;
    std::string program = directory.file("race.c");
    std::filesystem::copy_file(source_path("testcases/seeds/race.c"), program);
    std::string saved = directory.file("lost.baton-schedule");
    CommandResult first = explore({program}, "jump 4\nstep 1 3\nstep 2 6\nstep 1\nsave " + saved +
                                                 "\nback 14\nload " + saved + "\ntrace 1\nload /nonexistent\n");
    ASSERT_EQ(first.status, 0) << first.err;
    EXPECT_EQ(answer(first.out, "save " + saved), "saved 14 steps to " + saved + "\n");
    EXPECT_NE(answer(first.out, "load " + saved).find("at step 14"), std::string::npos) << first.out;
    std::vector<Write> last = mails_writes(answer(first.out, "trace 1"));
    ASSERT_EQ(last.size(), 1u) << first.out;
    EXPECT_EQ(last[0].value, 3);
    EXPECT_NE(answer(first.out, "load /nonexistent").find("error: cannot read '/nonexistent'"), std::string::npos)
        << first.out;

    CommandResult again = explore({"--schedule", saved}, "trace 1\n");
    ASSERT_EQ(again.status, 0) << again.err;
    EXPECT_NE(again.out.find("at step 14"), std::string::npos) << again.out;
    EXPECT_EQ(mails_writes(answer(again.out, "trace 1")).at(0).value, 3) << again.out;

}

TEST(Explore, StartsFromAFindingsSchedule) {
    TempDir directory;
    std::string program = directory.file("race.c");
    std::filesystem::copy_file(source_path("testcases/seeds/race.c"), program);
    CommandResult check = run_command({baton_binary("baton"), "check", "--max-executions", "1", "race.c"},
                                      directory.path());
    ASSERT_EQ(check.status, 1) << check.out << check.err;
    CommandResult result = explore({"--schedule", "race.c.baton-schedule"}, "races\ntrace\n", directory.path());
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(answer(result.out, "races").find("data race on 'mails'"), std::string::npos) << result.out;
    // check saves the schedule of its story: the session starts where one thread's stale write
    // has just overwritten the other's increments.
    std::vector<Write> writes = mails_writes(answer(result.out, "trace"));
    ASSERT_GE(writes.size(), 3u) << result.out;
    const Write& stale = writes.back();
    const Write& overwritten = writes[writes.size() - 2];
    EXPECT_NE(stale.thread, overwritten.thread) << result.out;
    EXPECT_LT(stale.value, overwritten.value) << result.out;
    EXPECT_EQ(result.out.find("the program has ended after"), std::string::npos) << result.out;
}

// Thread 1 writes x only if thread 2's store to turn came first: the first, non-preemptive
// execution shows no race; stepping thread 2 first does.
constexpr const char* kLateRaceProgram = R"(#include <pthread.h>
#include <stdatomic.h>
atomic_int turn;
int x;
void* first(void* arg) {
    if (atomic_load(&turn) == 1) x = 1;
    return 0;
}
void* second(void* arg) {
    atomic_store(&turn, 1);
    x = 2;
    return 0;
}
int main(void) {
    pthread_t a, b;
    pthread_create(&a, 0, first, 0);
    pthread_create(&b, 0, second, 0);
    pthread_join(a, 0);
    pthread_join(b, 0);
    return 0;
}
)";

TEST(Explore, ARaceFoundOnTheWayBecomesASchedulingPointWhereTheSessionIs) {
    TempDir directory;
    std::string program = directory.file("late.c", kLateRaceProgram);
    CommandResult result = explore({program}, "races\njump 4\nstep 2 3\nstep 1 2\nraces\ntrace\n");
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(answer(result.out, "races", 1), "no data race found so far\n");
    std::string found = answer(result.out, "step 1 2");
    EXPECT_NE(found.find("note: 'x' is racy: its accesses are scheduling points from now on"), std::string::npos)
        << found;
    EXPECT_TRUE(std::regex_search(found, std::regex(R"(\n\s+1\s+runnable\s+write 'x' \(now 2\)\s+\S*late\.c:6)")))
        << found;
    EXPECT_NE(answer(result.out, "races", 2).find("data race on 'x'"), std::string::npos) << result.out;
    // Thread 2's write of x is a step of its own now, before its exit.
    EXPECT_TRUE(std::regex_search(answer(result.out, "trace"),
                                  std::regex(R"(\n\s+7\s+2\s+write\s+'x'\s+2\s+\S*late\.c:11 \(second\)\n\s+8\s+2\s+exit)")))
        << result.out;
}

TEST(Explore, AFindingsScheduleIsCarriedOverToTheRacyLocations) {
    TempDir directory;
    // Each thread writes once: no update can be lost, so check saves the first execution's
    // schedule as it was found, with no preemption points of its own.
    std::string program = directory.file("few.c", R"(#include <pthread.h>
int mails;
void* routine(void* arg) {
    mails++;
    return 0;
}
int main(void) {
    pthread_t a, b;
    pthread_create(&a, 0, routine, 0);
    pthread_create(&b, 0, routine, 0);
    pthread_join(a, 0);
    pthread_join(b, 0);
    return 0;
}
)");
    CommandResult check = run_command({baton_binary("baton"), "check", "--max-executions", "1", "few.c"},
                                      directory.path());
    ASSERT_EQ(check.status, 1) << check.out << check.err;
    std::ifstream saved(directory.file("few.c.baton-schedule"));
    std::string text((std::istreambuf_iterator<char>(saved)), std::istreambuf_iterator<char>());
    ASSERT_EQ(text.find("preempt-on"), std::string::npos) << "found in the first execution: " << text;
    CommandResult result = explore({"--schedule", "few.c.baton-schedule"}, "trace\n", directory.path());
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(result.out.find("not a scheduling point"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("the program has ended after"), std::string::npos) << result.out;
    // Each increment is a step now, one of each thread.
    std::regex write(R"(write\s+'mails'\s+(\d+))");
    std::string trace = answer(result.out, "trace");
    std::vector<long> values;
    for (std::sregex_iterator at(trace.begin(), trace.end(), write), end; at != end; ++at)
        values.push_back(std::stol((*at)[1]));
    EXPECT_EQ(values, (std::vector<long>{1, 2})) << result.out;
}

TEST(Explore, OnATerminalLinesCanBeEditedAndRecalled) {
    // Ctrl-P recalls the previous command (history); a backspace and Ctrl-A/Ctrl-E edit a line.
    CommandResult result = baton::e2e::run_on_terminal(
        {baton_binary("baton"), "explore", source_path("testcases/seeds/race.c")},
        {"jump 3\r", "\x10\r", "tx\x7frace 1\x01\x05\r", "quit\r"}, "(baton) ");
    EXPECT_EQ(result.status, 0) << result.out;
    // `jump 3` twice: the second finds the session already there.
    size_t first = result.out.find("at step 3");
    ASSERT_NE(first, std::string::npos) << result.out;
    EXPECT_NE(result.out.find("at step 3", first + 1), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("     3       0  create          thread 2"), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("unknown command"), std::string::npos) << result.out;
}

TEST(Explore, BadInputIsOneLineAndExitStatusTwo) {
    TempDir directory;
    std::string garbage = directory.file("garbage.baton-schedule", "this is not a schedule\n");
    std::vector<std::vector<std::string>> bad = {
        {},
        {"--schedule", directory.file("missing.baton-schedule")},
        {"--schedule", garbage},
        {"--time-limit", "0", source_path("testcases/seeds/race.c")},
        {"--frobnicate", source_path("testcases/seeds/race.c")},
        {directory.file("missing.c")},
        {source_path("testcases/seeds/race.c"), source_path("testcases/seeds/mutex.c")},
    };
    for (const auto& arguments : bad) {
        CommandResult result = explore(arguments, "threads\n");
        std::string shown = arguments.empty() ? "(none)" : arguments.back();
        EXPECT_EQ(result.status, 2) << shown;
        EXPECT_TRUE(result.out.empty()) << shown << ": " << result.out;
        ASSERT_FALSE(result.err.empty()) << shown;
        EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << shown << ": " << result.err;
        EXPECT_EQ(result.err.rfind("baton explore: ", 0), 0u) << result.err;
    }
}

}  // namespace
