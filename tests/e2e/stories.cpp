// The story of each finding kind (report/story.h) as `baton check` tells it on the testcases:
// the lost update names the values it computes the loss from, the deadlock names who holds
// what, and the saved schedule replays the told execution.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <regex>

#include <nlohmann/json.hpp>

#include "e2e_support.h"

namespace fs = std::filesystem;
using baton::e2e::baton_binary;
using baton::e2e::run_command;
using baton::e2e::TempDir;

namespace {

struct Checked {
    baton::e2e::CommandResult result;
    nlohmann::json report;
};

// `baton check` on a copy of the testcase, in text or JSON.
Checked check(const TempDir& directory, const std::string& testcase, const std::string& format,
              std::vector<std::string> extra = {}) {
    std::string program = directory.file(fs::path(testcase).filename());
    if (!fs::exists(program)) fs::copy_file(baton::e2e::source_path(testcase), program);
    std::vector<std::string> command = {baton_binary("baton"), "check", "--time-limit", "5", "--format", format};
    command.insert(command.end(), extra.begin(), extra.end());
    command.push_back(program);
    Checked checked{run_command(command, directory.path()), nullptr};
    if (format == "json") checked.report = nlohmann::json::parse(checked.result.out, nullptr, false);
    return checked;
}

const nlohmann::json* finding_of(const nlohmann::json& report, const std::string& kind) {
    if (!report.is_object()) return nullptr;
    for (const nlohmann::json& finding : report["findings"])
        if (finding["kind"] == kind) return &finding;
    return nullptr;
}

TEST(Stories, LostUpdateNamesTheValuesAndTheLoss) {
    TempDir directory;
    Checked checked = check(directory, "testcases/seeds/race.c", "json");
    ASSERT_EQ(checked.result.status, 1) << checked.result.err;
    const nlohmann::json* race = finding_of(checked.report, "data-race");
    ASSERT_NE(race, nullptr) << checked.result.out;
    std::string story = race->value("story", "");
    std::smatch match;
    ASSERT_TRUE(std::regex_match(story, match, std::regex(R"(thread (\d+)'s write of (\d+) to 'mails' overwrote thread (\d+)'s (\d+): (\d+) increments were lost)")))
        << story;
    long written = std::stol(match[2]), overwritten = std::stol(match[4]), lost = std::stol(match[5]);
    EXPECT_NE(match[1], match[3]);
    // The steps carry the values the sentence is computed from: N, ..., M, N+1.
    const nlohmann::json& steps = (*race)["steps"];
    ASSERT_GE(steps.size(), 3u) << race->dump(2);
    long before = steps.front()["value"];
    EXPECT_EQ(written, before + 1);
    EXPECT_EQ(lost, overwritten - before);
    EXPECT_EQ(steps.back()["value"], written);
    EXPECT_EQ(steps.back()["target"], "mails");
    EXPECT_EQ(steps.back()["location"]["line"], 13);
    for (const nlohmann::json& step : steps) EXPECT_GT(step.value("index", 0), 0) << step.dump();

    // The saved schedule replays the told execution: the stale store is in its trace.
    auto replay = run_command({baton_binary("baton"), "replay", race->value("schedule", "")}, directory.path());
    EXPECT_EQ(replay.status, 1) << replay.err;
    // The replay's trace line of the stale store: step, thread, "write", target, value.
    std::regex stale("\\n\\s*" + std::to_string(steps.back()["index"].get<long>()) + "\\s+" +
                     std::to_string(steps.back()["thread"].get<long>()) + "\\s+write\\s+\\S+\\s+" +
                     std::to_string(written) + "\\s");
    EXPECT_TRUE(std::regex_search(replay.out, stale)) << replay.out;
}

TEST(Stories, DeadlockNamesWhoHoldsWhat) {
    TempDir directory;
    Checked checked = check(directory, "testcases/deadlock/lock_order.c", "text");
    ASSERT_EQ(checked.result.status, 1) << checked.result.err;
    const std::string& out = checked.result.out;
    EXPECT_NE(out.find("how it happens:"), std::string::npos) << out;
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(=> .*thread 1 holds 'a' and waits for mutex 'b', held by thread 2; )"
                                                  R"(thread 2 holds 'b' and waits for mutex 'a', held by thread 1: no thread can go on)")))
        << out;
    // The acquisitions with their source lines.
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(\d\. thread 1: lock a  \(.*lock_order.c:13)"))) << out;
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(\| pthread_mutex_lock\(&b\);)"))) << out;
}

TEST(Stories, LostWakeupPointsAtTheEarlySignal) {
    TempDir directory;
    Checked checked = check(directory, "testcases/seeds/lost_wakeup.c", "json");
    const nlohmann::json* deadlock = finding_of(checked.report, "deadlock");
    ASSERT_NE(deadlock, nullptr) << checked.result.out;
    EXPECT_TRUE(std::regex_search(deadlock->value("story", ""),
                                  std::regex(R"(waits on condition variable 'ready_cond', but thread \d+ signalled it at step \d+, before the wait began at step \d+: the wakeup was lost)")))
        << deadlock->dump(2);
}

TEST(Stories, LivelockNamesTheSpinAndTheVariable) {
    TempDir directory;
    Checked checked = check(directory, "testcases/seeds/mutual_unequal.c", "json");
    const nlohmann::json* livelock = finding_of(checked.report, "livelock");
    ASSERT_NE(livelock, nullptr) << checked.result.out;
    std::string story = livelock->value("story", "");
    EXPECT_TRUE(std::regex_search(story, std::regex(R"(thread \d+ spins re-reading '\w+' \(= -?\d+\), which no thread left will ever write)")))
        << story;
    EXPECT_EQ(livelock->at("steps").back()["op"], "busy-wait") << livelock->dump(2);
}

// The store faults: the runtime must not read back the value it never wrote (it did, faulted
// again inside the handler, and the crash came out as "killed by signal 11" with no place).
TEST(Stories, AWildPointersCrashIsPlacedAtItsStore) {
    TempDir directory;
    Checked checked = check(directory, "testcases/crash/wild_pointer.c", "json");
    const nlohmann::json* crash = finding_of(checked.report, "crash");
    ASSERT_NE(crash, nullptr) << checked.result.out;
    EXPECT_NE(crash->value("message", "").find("0x1000000"), std::string::npos) << crash->dump(2);
    EXPECT_EQ(crash->at("location").value("function", ""), "worker") << crash->dump(2);
    EXPECT_EQ(crash->at("location").value("line", 0), 11) << crash->dump(2);
}

TEST(Stories, LivelockOnAnAtomicNamesTheFlag) {
    TempDir directory;
    Checked checked = check(directory, "testcases/cpp/atomic_spin_forever.cpp", "json");
    const nlohmann::json* livelock = finding_of(checked.report, "livelock");
    ASSERT_NE(livelock, nullptr) << checked.result.out;
    EXPECT_TRUE(std::regex_search(livelock->value("story", ""), std::regex(R"(spins re-reading 'go' \(= 0\))")))
        << livelock->dump(2);
}

// `baton check` on a testcase that hangs, with a short time limit and one execution: its
// nontermination, whose story must match `story` and end where the thread was running.
nlohmann::json told_hang(const TempDir& directory, const std::string& testcase, const std::string& story,
                         const std::string& time_limit = "2") {
    Checked checked = check(directory, testcase, "json", {"--time-limit", time_limit, "--max-executions", "1"});
    const nlohmann::json* hang = finding_of(checked.report, "nontermination");
    if (!hang) {
        ADD_FAILURE() << "no nontermination in " << testcase << ":\n" << checked.result.out << checked.result.err;
        return nlohmann::json::object();
    }
    EXPECT_TRUE(std::regex_search(hang->value("story", ""), std::regex(story))) << hang->dump(2);
    EXPECT_EQ(hang->at("steps").back()["op"], "running") << hang->dump(2);
    return *hang;
}

// A hang is told from a short run of its schedule, not from another full time limit: the
// check's time limit is spent once, and the story names the loop and the flag.
TEST(Stories, HangNamesTheLoopAndTheFlagNobodySets) {
    TempDir directory;
    auto started = std::chrono::steady_clock::now();
    nlohmann::json hang = told_hang(directory, "testcases/robustness/poll_counting_forever.c",
                                    R"(^thread 1 loops at \S*poll_counting_forever.c:21 from step \d+ on, )"
                                    R"(re-reading 'go' \(= 0\), which no other thread writes while it loops)");
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    bool polls = false;
    for (const nlohmann::json& step : hang.value("steps", nlohmann::json::array()))
        polls |= step.value("target", "") == "polls";
    EXPECT_TRUE(polls) << "a turn of the loop counts a poll: " << hang.dump(2);
    EXPECT_LT(seconds, 12) << "the story must not cost the time limit again and again";
}

// mutual.c takes longer than 0.2 s (0.7 s on its own on a fast machine, more under baton),
// but is not stuck: its spins are parked and woken by the other thread's writes of 'turn',
// which the story says. (With a limit of 1 s, a fast machine finished the execution.)
TEST(Stories, SlowButNotStuckSaysItWasMakingProgress) {
    TempDir directory;
    told_hang(directory, "testcases/seeds/mutual.c",
              R"(^thread \d loops at \S*mutual.c:\d+ from step \d+ on; other threads still change 'turn': )"
              R"(the execution was making progress when the limit ran out)",
              "0.2");
}

TEST(Stories, HangWithoutVisibleStepsSaysTheLoopTouchesNothingShared) {
    TempDir directory;
    told_hang(directory, "testcases/robustness/busy_loop_forever.c",
              R"(thread 1 reached no visible operation .* it loops at \S*busy_loop_forever.c:10 on its own state)");
}

// A worker takes and releases a lock for ever: only the watchdog ends the execution, and
// it finds the thread inside baton's model of the mutex, where such a loop spends most of its
// time (before the fix, the finding pointed into runtime/execution.cpp or the C++ library's
// headers every time). The finding is placed at the program's call. (Not in testcases/: the
// replay there would print every one of its millions of steps.)
TEST(Stories, HangInsideSynchronizationIsPlacedInTheProgramsLoop) {
    TempDir directory;
    directory.file("locks_forever.c", baton::e2e::locks_forever_program());
    nlohmann::json hang = told_hang(directory, "locks_forever.c", R"(^thread 1 loops at \S*locks_forever.c:(8|9|10) )", "0.3");
    ASSERT_TRUE(hang.contains("location")) << hang.dump(2);
    EXPECT_EQ(hang["location"].value("file", ""), "locks_forever.c") << hang.dump(2);
    EXPECT_EQ(hang["location"].value("function", ""), "worker") << hang.dump(2);
    int line = hang["location"].value("line", 0);
    EXPECT_TRUE(line >= 8 && line <= 10) << hang.dump(2);
}

TEST(Stories, MisuseAndAssertionAndCrashEndWithTheFailingStep) {
    TempDir directory;
    for (auto [testcase, kind, op] : {std::tuple{"testcases/misuse/unlock_not_owner.c", "lock-misuse", "misuse"},
                                      {"testcases/seeds/conditionvar_if.c", "assertion-failure", "assert"},
                                      {"testcases/crash/null_dereference.c", "crash", "crash"}}) {
        Checked checked = check(directory, testcase, "json");
        const nlohmann::json* finding = finding_of(checked.report, kind);
        ASSERT_NE(finding, nullptr) << testcase << checked.result.out;
        ASSERT_TRUE(finding->contains("steps")) << finding->dump(2);
        EXPECT_EQ(finding->at("steps").back()["op"], op) << finding->dump(2);
        EXPECT_GT(finding->at("steps").back()["location"].value("line", 0), 0) << finding->dump(2);
        EXPECT_FALSE(finding->value("story", "").empty()) << finding->dump(2);
    }
}

}  // namespace

namespace {

// The line of `text` that contains `needle`, or "".
std::string line_with(const std::string& text, const std::string& needle) {
    size_t at = text.find(needle);
    if (at == std::string::npos) return "";
    size_t begin = text.rfind('\n', at) + 1, end = text.find('\n', at);
    return text.substr(begin, end - begin);
}

// Each cell sits under its thread's column heading.
void expect_in_column(const std::string& out, const std::string& column, const std::string& cell) {
    std::string header = line_with(out, "| thread 0");
    std::string row = line_with(out, cell);
    ASSERT_FALSE(header.empty()) << out;
    ASSERT_FALSE(row.empty()) << out;
    EXPECT_EQ(header.find("| " + column), row.find("| " + cell)) << header << "\n" << row;
}

TEST(Stories, TraceDrawsOneColumnPerThread) {
    TempDir directory;
    // --trace takes no value: the program after it is not taken for a second one to grade.
    Checked checked = check(directory, "testcases/deadlock/lock_order.c", "text", {"--trace"});
    ASSERT_EQ(checked.result.status, 1) << checked.result.err;
    const std::string& out = checked.result.out;
    EXPECT_NE(out.find("the steps, one column per thread:"), std::string::npos) << out;
    expect_in_column(out, "thread 1", "lock a @13");
    expect_in_column(out, "thread 2", "lock b @23");
    expect_in_column(out, "thread 0", "join thread 1 @36");

    auto replay = run_command({baton_binary("baton"), "replay", "--trace", directory.file("lock_order.c.baton-schedule")},
                              directory.path());
    EXPECT_EQ(replay.status, 1) << replay.err;
    expect_in_column(replay.out, "thread 2", "lock a @24");
    EXPECT_NE(replay.out.find("=> thread 1 holds 'a'"), std::string::npos) << replay.out;
}

}  // namespace
