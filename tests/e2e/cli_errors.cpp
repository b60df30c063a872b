// The command line's contract on bad input (exit 2, one clear line on stderr, nothing on
// stdout) and on builds: baton-cc as CC in a multi-file make, with clang and with gcc.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "e2e_support.h"

namespace fs = std::filesystem;
using baton::e2e::baton_binary;
using baton::e2e::CommandResult;
using baton::e2e::run_command;
using baton::e2e::source_path;
using baton::e2e::TempDir;

namespace {


int count_lines(const std::string& text) {
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

void expect_usage_error(const CommandResult& result, const std::string& fragment) {
    EXPECT_EQ(result.status, 2);
    EXPECT_EQ(result.out, "") << "nothing may be written on stdout";
    EXPECT_EQ(count_lines(result.err), 1) << result.err;
    EXPECT_NE(result.err.find(fragment), std::string::npos) << result.err;
}

CommandResult check(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), {baton_binary("baton"), "check"});
    return run_command(arguments);
}

const std::string kRacyProgram = baton::e2e::racy_counter_program();

TEST(CheckErrors, MissingFile) { expect_usage_error(check({"/nonexistent/race.c"}), "cannot read"); }

// A directory is one program to grade (docs/grading.md); one without sources is bad input.
TEST(CheckErrors, DirectoryWithoutSources) {
    TempDir dir;
    dir.file("notes.txt", "no program here\n");
    expect_usage_error(check({dir.path()}), "holds no C or C++ source");
}

TEST(CheckErrors, NoProgram) { expect_usage_error(check({}), "no program"); }

TEST(CheckErrors, UnknownOption) { expect_usage_error(check({"--frobnicate", "x.c"}), "unknown option"); }

TEST(CheckErrors, BadOptionValue) {
    expect_usage_error(check({"--max-executions", "many", "x.c"}), "--max-executions");
    expect_usage_error(check({"--format", "xml", "x.c"}), "--format");
    expect_usage_error(check({"--time-limit"}), "needs a value");
    expect_usage_error(check({"--strategy", "dfs", "x.c"}), "--strategy");
    expect_usage_error(check({"--pct-depth", "0", "x.c"}), "--pct-depth");
    expect_usage_error(check({"--max-preemptions", "-1", "x.c"}), "--max-preemptions");
    for (const char* shard : {"0/2", "3/2", "x", "1/", "/2", "1/2x"})
        expect_usage_error(check({"--shard", shard, "x.c"}), "--shard");
    for (const char* jobs : {"0", "x", "-2"}) expect_usage_error(check({"--jobs", jobs, "x.c"}), "--jobs");
}

TEST(CheckErrors, StdinMustBeAReadableFile) {
    TempDir dir;
    std::string source = dir.file("racy.c", kRacyProgram);
    expect_usage_error(check({"--stdin", dir.path() + "/missing.txt", source}), "--stdin needs a readable file");
    expect_usage_error(check({"--stdin", dir.path(), source}), "--stdin needs a readable file");
}

TEST(CheckErrors, UnknownCommand) {
    auto result = run_command({baton_binary("baton"), "frobnicate"});
    expect_usage_error(result, "unknown command");
}

TEST(CheckErrors, CompileErrorShowsDiagnostics) {
    TempDir dir;
    std::string file = dir.file("broken.c", "int main(void) { return undefined_name; }\n");
    auto result = check({"--format", "json", file});
    EXPECT_EQ(result.status, 2);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("undefined_name"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("cannot compile"), std::string::npos) << result.err;
}

TEST(CheckErrors, BinaryNotInstrumented) {
    TempDir dir;
    std::string source = dir.file("plain.c", kRacyProgram);
    std::string binary = dir.path() + "/plain";
    ASSERT_EQ(run_command({"/usr/bin/cc", "-o", binary, source, "-pthread"}).status, 0);
    expect_usage_error(check({binary}), "not instrumented: rebuild with baton-cc");
}

TEST(CheckErrors, BinaryBuiltWithThreadSanitizerRuntime) {
    TempDir dir;
    std::string source = dir.file("tsan.c", kRacyProgram);
    std::string binary = dir.path() + "/tsan";
    ASSERT_EQ(run_command({"/usr/bin/clang", "-fsanitize=thread", "-o", binary, source}).status, 0);
    expect_usage_error(check({binary}), "ThreadSanitizer's own runtime");
}

TEST(CheckErrors, NotAnExecutable) {
    TempDir dir;
    std::string text = dir.file("notes.txt", "hello\n");
    expect_usage_error(check({text}), "neither a C/C++ source file nor an executable");
}

TEST(CheckErrors, TruncatedExecutable) {
    TempDir dir;
    std::string source = dir.file("racy.c", kRacyProgram);
    std::string binary = dir.path() + "/racy";
    ASSERT_EQ(run_command({baton_binary("baton-cc"), "-o", binary, source}).status, 0);
    fs::resize_file(binary, fs::file_size(binary) / 2);  // the section headers are at the end
    expect_usage_error(check({binary}), "neither a C/C++ source file nor an executable");
}

// The worker polls a flag that only the SIGALRM handler sets, a second later. baton's time
// is virtual and the kernel's signal is not part of the schedule: it called the wait a
// livelock, a wrong verdict. Now it says why it cannot tell, in one line.
const char* kAlarmProgram = R"(#include <pthread.h>
#include <signal.h>
#include <unistd.h>
volatile sig_atomic_t fired;
void on_alarm(int sig) { (void)sig; fired = 1; }
void* worker(void* arg) {
    while (!fired) usleep(1000);
    return arg;
}
int main(void) {
    if (HANDLED) signal(SIGALRM, on_alarm);
    alarm(SECONDS);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    if (HANDLED) pthread_join(t, NULL);
    return 0;
}
)";

std::string alarm_program(const TempDir& dir, const std::string& name, bool handled, int seconds) {
    std::string text = kAlarmProgram;
    text = std::regex_replace(text, std::regex("HANDLED"), handled ? "1" : "0");
    text = std::regex_replace(text, std::regex("SECONDS"), std::to_string(seconds));
    return dir.file(name, text);
}

TEST(CheckErrors, AWaitOnlyATimerSignalsHandlerCanEndIsNoVerdict) {
    TempDir dir;
    expect_usage_error(check({"--time-limit", "10", alarm_program(dir, "alarm.c", true, 1)}),
                       "only the handler of SIGALRM, armed by alarm() or setitimer(), could still change that");
}

TEST(Check, AnAlarmThatNobodyWaitsForChangesNothing) {
    TempDir dir;
    // A watchdog alarm the program does not wait for, with SIGALRM's default action: main
    // returns at once, ending the worker's polling with the process.
    CommandResult result = check({"--format", "json", "--time-limit", "10", alarm_program(dir, "watchdog.c", false, 30)});
    EXPECT_EQ(result.status, 0) << result.err << result.out;
    nlohmann::json report = nlohmann::json::parse(result.out, nullptr, false);
    EXPECT_EQ(report.value("verdict", ""), "verified") << result.out;
    // The kernel's timer outlives a reset in place: each execution runs in a process of its own.
    result = check({"--format", "json", "--strategy", "random", "--max-executions", "3", dir.path() + "/watchdog.c"});
    report = nlohmann::json::parse(result.out, nullptr, false);
    EXPECT_EQ(report["stats"].value("processes", 0), 3) << result.out;
}

TEST(CompilerWrapper, MakeWithBatonCcOnMultiFileProject) {
    TempDir dir;
    fs::copy(source_path("tests/e2e/projects/multi"), dir.path(), fs::copy_options::recursive);
    auto build = run_command({"/usr/bin/make", "CC=" + baton_binary("baton-cc")}, dir.path());
    ASSERT_EQ(build.status, 0) << build.out << build.err;
    auto result = check({"--format", "json", "--max-executions", "3", dir.path() + "/prog"});
    EXPECT_EQ(result.status, 1) << result.err;
    auto report = nlohmann::json::parse(result.out);
    ASSERT_FALSE(report["findings"].empty());
    EXPECT_EQ(report["findings"][0]["kind"], "data-race");
    EXPECT_NE(report["findings"][0]["message"].get<std::string>().find("'counter'"), std::string::npos);
}

TEST(CompilerWrapper, GccBuildsForTheSameRuntime) {
    TempDir dir;
    std::string source = dir.file("race.c", kRacyProgram);
    std::string binary = dir.path() + "/race";
    setenv("BATON_CC", "gcc", 1);
    auto build = run_command({baton_binary("baton-cc"), "-o", binary, source});
    unsetenv("BATON_CC");
    ASSERT_EQ(build.status, 0) << build.err;
    auto result = check({"--format", "json", "--max-executions", "2", binary});
    EXPECT_EQ(result.status, 1) << result.err;
    auto report = nlohmann::json::parse(result.out);
    ASSERT_FALSE(report["findings"].empty());
    EXPECT_NE(report["findings"][0]["message"].get<std::string>().find("'shared'"), std::string::npos);
}

TEST(CompilerWrapper, CompileOnlyProducesAnInstrumentedObject) {
    TempDir dir;
    std::string source = dir.file("unit.c", "int x; void f(void) { x++; }\n");
    std::string object = dir.path() + "/unit.o";
    ASSERT_EQ(run_command({baton_binary("baton-cc"), "-c", source, "-o", object}).status, 0);
    auto symbols = run_command({"/usr/bin/nm", object});
    EXPECT_NE(symbols.out.find("__tsan_"), std::string::npos) << symbols.out;
}

TEST(Check, ProgramArgumentsArePassed) {
    TempDir dir;
    std::string source = dir.file("args.c", R"(#include <string.h>
int main(int argc, char** argv) { return argc == 3 && strcmp(argv[2], "two") == 0 ? 0 : 7; }
)");
    auto good = check({"--max-executions", "1", source, "--", "one", "two"});
    EXPECT_EQ(good.status, 0) << good.out << good.err;
    auto bad = check({"--format", "json", "--max-executions", "1", source, "--", "one"});
    EXPECT_EQ(bad.status, 1);
    EXPECT_NE(bad.out.find("exited with status 7"), std::string::npos) << bad.out;
}

// Executions run one after another in one process, which is reset in between
// (runtime/server.cpp): each must find the heap as the first did. Memory that malloc hands out
// from the free top is zeros in every execution, though the one before wrote over it and the
// runtime's start-up touched it. Three threads in some order: 6 executions.
TEST(Check, EveryExecutionFindsTheHeapAsTheFirstDid) {
    TempDir dir;
    std::string source = dir.file("heap.c", R"(#include <pthread.h>
#include <stdlib.h>
#include <string.h>
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
int turns;
void* worker(void* arg) {
    pthread_mutex_lock(&lock);
    turns++;
    pthread_mutex_unlock(&lock);
    return arg;
}
int main(void) {
    char* blocks[24];
    for (int i = 0; i < 24; i++) {  /* 2.4 MB, each below the mmap threshold */
        blocks[i] = malloc(100000);
        for (int k = 0; k < 100000; k++)
            if (blocks[i][k] != 0) return 10 + i;
    }
    for (int i = 0; i < 24; i++) memset(blocks[i], 0xab, 100000);
    for (int i = 0; i < 24; i++) free(blocks[i]);
    pthread_t threads[3];
    for (int i = 0; i < 3; i++) pthread_create(&threads[i], 0, worker, 0);
    for (int i = 0; i < 3; i++) pthread_join(threads[i], 0);
    return turns == 3 ? 0 : 1;
}
)");
    auto result = check({"--format", "json", "--strategy", "dpor", source});
    EXPECT_EQ(result.status, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("\"verified\""), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("\"executions\": 6"), std::string::npos) << result.out;
}

TEST(Check, LeavesNoProcessBehind) {
    auto result = check({"--max-executions", "2", source_path("testcases/robustness/fork_orphan.c")});
    EXPECT_EQ(result.status, 0) << result.out << result.err;
    for (const auto& entry : fs::directory_iterator("/proc")) {
        std::ifstream cmdline(entry.path() / "cmdline");
        std::string text((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
        EXPECT_EQ(text.find("987654"), std::string::npos) << "left behind: " << entry.path();
    }
}

}  // namespace
