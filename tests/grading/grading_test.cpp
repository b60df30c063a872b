// Grading end to end: `baton check` over a class of submissions built in a temporary
// directory -- correct programs, buggy ones, ones that do not compile, and hostile ones (an
// endless loop, 50 escaping processes, 100 MB of output, 10 GiB of memory, abort) -- checked
// in parallel, each row compared with the verdict it must have. Then the formats, shards,
// the wall-time limit, and the command line's bad-input contract.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "e2e_support.h"

namespace fs = std::filesystem;
using baton::e2e::baton_binary;
using baton::e2e::CommandResult;
using baton::e2e::run_command;
using baton::e2e::source_path;

namespace {

using Counts = std::map<std::string, int>;  // findings by kind

class TempDir {
public:
    TempDir() {
        char pattern[] = "/tmp/baton-grading-test.XXXXXX";
        path_ = mkdtemp(pattern);
    }
    ~TempDir() { fs::remove_all(path_); }
    // Writes `text` to `relative` (creating its directories) and returns the path.
    std::string write(const std::string& relative, const std::string& text) const {
        fs::path path = fs::path(path_) / relative;
        fs::create_directories(path.parent_path());
        std::ofstream(path) << text;
        return path.string();
    }
    std::string copy(const std::string& testcase, const std::string& relative) const {
        std::ifstream in(source_path(testcase));
        std::stringstream text;
        text << in.rdbuf();
        return write(relative, text.str());
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// Runs `baton check ARGS` in `directory` with TMPDIR pointing at `temporary` (if given), so
// that the test can see whether the grader cleaned up after itself.
CommandResult grade(const std::vector<std::string>& args, const std::string& directory,
                    const std::string& temporary = "") {
    std::vector<std::string> command{baton_binary("baton"), "check"};
    command.insert(command.end(), args.begin(), args.end());
    if (!temporary.empty()) setenv("TMPDIR", temporary.c_str(), 1);
    CommandResult result = run_command(command, directory);
    if (!temporary.empty()) unsetenv("TMPDIR");
    return result;
}

// program -> row, from JSONL.
std::map<std::string, nlohmann::json> jsonl_rows(const std::string& text) {
    std::map<std::string, nlohmann::json> rows;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        nlohmann::json row = nlohmann::json::parse(line, nullptr, false);
        EXPECT_TRUE(row.is_object()) << "not a JSON object: " << line;
        if (row.is_object()) rows[row["program"]] = row;
    }
    return rows;
}

// RFC 4180 records (quoted fields may hold commas, quotes and line breaks).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string field;
    bool quoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += text[++i];
            else if (c == '"') quoted = false;
            else field += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            record.push_back(field);
            field.clear();
        } else if (c == '\n') {
            record.push_back(field);
            records.push_back(record);
            record.clear();
            field.clear();
        } else {
            field += c;
        }
    }
    EXPECT_FALSE(quoted) << "unterminated quoted field";
    EXPECT_TRUE(field.empty() && record.empty()) << "the last record has no line end";
    return records;
}

// Processes whose command line holds `marker` (programs under test that should be gone).
std::vector<std::string> processes_with(const std::string& marker) {
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator("/proc")) {
        std::ifstream cmdline(entry.path() / "cmdline");
        std::string text((std::istreambuf_iterator<char>(cmdline)),
                         std::istreambuf_iterator<char>());
        if (text.find(marker) != std::string::npos) found.push_back(entry.path().string());
    }
    return found;
}

void expect_usage_error(const CommandResult& result, const std::string& fragment) {
    EXPECT_EQ(result.status, 2) << result.out << result.err;
    EXPECT_EQ(result.out, "") << "nothing may be written on stdout";
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_NE(result.err.find(fragment), std::string::npos) << result.err;
}

const char* kEndlessLoop = R"(// Loops for ever without touching anything shared.
int main(void) {
    volatile unsigned long n = 0;
    for (;;) n++;
}
)";

const char* kFiftyEscapingProcesses =
    R"(// 50 processes that would sleep for days, each out of its group.
#include <unistd.h>
int main(void) {
    for (int i = 0; i < 50; i++)
        if (fork() == 0) {
            setsid();
            execl("/bin/sleep", "sleep", "987653", (char*)0);
            _exit(1);
        }
    return 0;
}
)";

const char* kHundredMegabytes = R"(// Prints 100 MB.
#include <stdio.h>
#include <string.h>
int main(void) {
    static char line[1024];
    memset(line, 'x', sizeof line - 2);
    line[sizeof line - 2] = '\n';
    for (int i = 0; i < 100 * 1024; i++) fputs(line, stdout);
    return 0;
}
)";

const char* kTenGigabytes = R"(// Asks for 10 GiB, 64 MiB at a time, and touches every page.
#include <stdlib.h>
int main(void) {
    for (int i = 0; i < 160; i++) {
        char* p = malloc(64 << 20);
        if (!p) return 3;
        for (long j = 0; j < (64 << 20); j += 4096) p[j] = 1;
    }
    return 0;
}
)";

const char* kAbort = "#include <stdlib.h>\nint main(void) { abort(); }\n";

const char* kTwoFilesMain = R"(#include <pthread.h>
void* work(void* arg);
int total(void);
int main(void) {
    pthread_t threads[2];
    for (int i = 0; i < 2; i++) pthread_create(&threads[i], 0, work, 0);
    for (int i = 0; i < 2; i++) pthread_join(threads[i], 0);
    return total() == 2000 ? 0 : 1;
}
)";

const char* kTwoFilesWorker = R"(#include <pthread.h>
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int counter;
void* work(void* arg) {
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
    }
    return arg;
}
int total(void) { return counter; }
)";

// The verdicts of a program baton check found nothing in: whether the search could finish
// (verified) or not (no-bug-found) is the explorer's business, tested with it.
const std::set<std::string> kClean{"no-bug-found", "verified"};

struct Expected {
    std::set<std::string> verdicts;
    Counts counts;
    std::string message;  // a fragment of the row's message (empty: not checked)
};

// The class: each submission's directory (or file) under class/, and its expected row.
std::map<std::string, Expected> write_class(const TempDir& dir) {
    std::map<std::string, Expected> expected;
    auto from_testcase = [&](const std::string& name, const std::string& testcase,
                             Expected row) {
        std::string extension = fs::path(testcase).extension().string();
        dir.copy(testcase, "class/" + name + "/main" + extension);
        expected["class/" + name] = std::move(row);
    };
    Expected clean{kClean, {}, ""};
    from_testcase("01-mutex", "testcases/seeds/mutex.c", clean);
    from_testcase("02-lost-wakeup-fixed", "testcases/seeds/lost_wakeup_fixed.c", clean);
    from_testcase("03-conditionvar", "testcases/seeds/conditionvar.c", clean);
    from_testcase("04-lock-order-fixed", "testcases/deadlock/lock_order_fixed.c", clean);
    from_testcase("05-recursive-mutex", "testcases/deadlock/recursive_mutex.c", clean);
    from_testcase("06-semaphore-buffer", "testcases/primitives/semaphore_buffer.c", clean);
    from_testcase("07-barrier", "testcases/primitives/barrier_phases.c", clean);
    from_testcase("08-c11-threads", "testcases/primitives/c11_threads.c", clean);
    from_testcase("09-rwlock-readers", "testcases/primitives/rwlock_readers.c", clean);
    dir.write("class/10-two-files/main.c", kTwoFilesMain);
    dir.write("class/10-two-files/worker.c", kTwoFilesWorker);
    expected["class/10-two-files"] = clean;
    from_testcase("11-mutex-guard", "testcases/cpp/mutex_guard.cpp", clean);

    from_testcase("12-race", "testcases/seeds/race.c", {{"bug"}, {{"data-race", 1}}, "'mails'"});
    from_testcase("13-threads", "testcases/seeds/threads.c", {{"bug"}, {{"data-race", 1}}, "'x'"});
    from_testcase("14-self-deadlock", "testcases/deadlock/self_deadlock.c",
                  {{"bug"}, {{"deadlock", 1}}, ""});
    from_testcase("15-join-cycle", "testcases/deadlock/join_cycle.c",
                  {{"bug"}, {{"deadlock", 1}}, ""});
    from_testcase("16-condvar-if", "testcases/seeds/conditionvar_if.c",
                  {{"bug"}, {{"assertion-failure", 1}}, ""});
    from_testcase("17-unlock-not-owner", "testcases/misuse/unlock_not_owner.c",
                  {{"bug"}, {{"lock-misuse", 1}}, ""});
    from_testcase("18-mutual-unequal", "testcases/seeds/mutual_unequal.c",
                  {{"bug"}, {{"data-race", 1}, {"livelock", 1}}, ""});
    from_testcase("19-thread-race", "testcases/cpp/thread_race.cpp",
                  {{"bug"}, {{"data-race", 1}}, "'hits'"});
    from_testcase("20-division", "testcases/crash/division_by_zero.c", {{"bug"}, {{"crash", 1}}, ""});
    dir.copy("tests/e2e/projects/multi/main.c", "class/21-two-files-race/main.c");
    dir.copy("tests/e2e/projects/multi/counter.c", "class/21-two-files-race/counter.c");
    expected["class/21-two-files-race"] = {{"bug"}, {{"data-race", 1}}, "'counter'"};

    dir.write("class/22-undeclared/main.c", "int main(void) { return undefined_name; }\n");
    expected["class/22-undeclared"] = {{"compile-error"}, {}, "undefined_name"};
    dir.write("class/23-syntax/main.c", "int main(void) { return 0 }\n");
    expected["class/23-syntax"] = {{"compile-error"}, {}, "expected ';'"};
    dir.write("class/24-mixed/main.c", "int main(void) { return 0; }\n");
    dir.write("class/24-mixed/util.cpp", "int util() { return 0; }\n");
    expected["class/24-mixed"] = {{"compile-error"}, {}, "mixes C and C++"};

    dir.write("class/25-endless-loop/main.c", kEndlessLoop);
    expected["class/25-endless-loop"] = {{"bug"}, {{"nontermination", 1}}, ""};
    dir.write("class/26-fifty-processes/main.c", kFiftyEscapingProcesses);
    expected["class/26-fifty-processes"] = clean;
    dir.write("class/27-hundred-megabytes/main.c", kHundredMegabytes);
    expected["class/27-hundred-megabytes"] = clean;
    dir.write("class/28-ten-gigabytes/main.c", kTenGigabytes);
    expected["class/28-ten-gigabytes"] = {{"error"}, {}, "out of memory"};
    dir.write("class/29-abort/main.c", kAbort);
    expected["class/29-abort"] = {{"bug"}, {{"crash", 1}}, "abort"};

    // Loose files: a binary built with baton-cc, something that is no program, one source.
    std::string race = dir.copy("testcases/seeds/race.c", "prebuilt/race.c");
    EXPECT_EQ(run_command({baton_binary("baton-cc"), "-o", dir.path() + "/class/30-prebuilt", race})
                  .status,
              0);
    expected["class/30-prebuilt"] = {{"bug"}, {{"data-race", 1}}, "'mails'"};
    dir.write("class/31-notes.txt", "my answers are in the other file\n");
    expected["class/31-notes.txt"] = {{"error"}, {}, "neither a C/C++ source file nor an executable"};
    dir.copy("testcases/primitives/timed_waits.c", "class/32-single.c");
    expected["class/32-single.c"] = clean;
    return expected;
}

TEST(GradingClass, EveryRowHasItsVerdict) {
    TempDir dir;
    std::map<std::string, Expected> expected = write_class(dir);
    std::string temporary = dir.path() + "/tmp";
    fs::create_directory(temporary);
    // A time limit well above what three executions of mutex.c take on a loaded machine.
    std::vector<std::string> args{"--format", "jsonl", "--jobs", "2", "--max-executions", "3",
                                  "--time-limit", "10"};
    for (const auto& [program, row] : expected) args.push_back(program);

    CommandResult result = grade(args, dir.path(), temporary);
    EXPECT_EQ(result.status, 1) << result.err;
    EXPECT_EQ(result.err, "");
    std::map<std::string, nlohmann::json> rows = jsonl_rows(result.out);
    EXPECT_EQ(rows.size(), expected.size()) << result.out;
    for (const auto& [program, want] : expected) {
        SCOPED_TRACE(program);
        ASSERT_TRUE(rows.count(program)) << "no row";
        const nlohmann::json& row = rows[program];
        EXPECT_TRUE(want.verdicts.count(row["verdict"])) << row.dump(2);
        EXPECT_EQ(row["counts"].get<Counts>(), want.counts) << row.dump(2);
        std::string message = row["message"];
        EXPECT_NE(message.find(want.message), std::string::npos) << message;
        // Checked: within --max-executions (the search may finish sooner); not checked: none.
        bool checked = row["verdict"] == "bug" || kClean.count(row["verdict"]);
        EXPECT_GE(row["executions"], checked ? 1 : 0) << row.dump(2);
        EXPECT_LE(row["executions"], checked ? 3 : 0) << row.dump(2);
        // Only a submission refused before anything ran can take no time at all.
        if (program != "class/24-mixed") EXPECT_GT(row["seconds"].get<double>(), 0);
    }
    EXPECT_EQ(processes_with("987653"), std::vector<std::string>{}) << "processes left behind";
    EXPECT_TRUE(fs::is_empty(temporary)) << "temporary files left behind in " << temporary;
}

// The wall-time limit (--time-limit plus --compile-allowance) ends a build that never ends
// and a check that overruns, with everything they started: the build here waits for ever
// on a FIFO it includes; the check's program spins after starting five escaping processes.
TEST(GradingLimits, TimeoutEndsTheBuildOrTheCheckWithEverythingItStarted) {
    TempDir dir;
    dir.write("slow/build/main.c", "#include \"stuck.h\"\nint main(void) { return 0; }\n");
    ASSERT_EQ(mkfifo((dir.path() + "/slow/build/stuck.h").c_str(), 0600), 0);
    dir.write("slow/check.c", R"(#include <unistd.h>
int main(void) {
    for (int i = 0; i < 5; i++)
        if (fork() == 0) {
            setsid();
            execl("/bin/sleep", "sleep", "987652", (char*)0);
            _exit(1);
        }
    volatile unsigned long n = 0;
    for (;;) n++;
}
)");
    std::string temporary = dir.path() + "/tmp";
    fs::create_directory(temporary);
    // The check's own time limit (5 s) starts after the build, which takes more than 0.1 s:
    // only the grader's limit (5.1 s from the start) can end it, while the build has 5.1 s.
    CommandResult result = grade({"--format", "jsonl", "--time-limit", "5", "--compile-allowance",
                                  "0.1", "slow/build", "slow/check.c"},
                                 dir.path(), temporary);
    EXPECT_EQ(result.status, 1) << result.err;
    auto rows = jsonl_rows(result.out);
    ASSERT_EQ(rows.size(), 2u) << result.out;
    EXPECT_EQ(rows["slow/build"]["verdict"], "timeout");
    EXPECT_NE(rows["slow/build"]["message"].get<std::string>().find("building"), std::string::npos);
    EXPECT_EQ(rows["slow/check.c"]["verdict"], "timeout");
    EXPECT_NE(rows["slow/check.c"]["message"].get<std::string>().find("checked"),
              std::string::npos);
    for (auto& [program, row] : rows) EXPECT_LT(row["seconds"].get<double>(), 8) << program;
    EXPECT_EQ(processes_with("987652"), std::vector<std::string>{}) << "processes left behind";
    // The killed build's objects (baton-cc's temporary directory) included.
    EXPECT_TRUE(fs::is_empty(temporary)) << "temporary files left behind in " << temporary;
}

// A small class for the formats: a bug, a clean program, and a compile error whose name
// and message hold a comma and quotes (CSV must quote them).
void write_small_class(const TempDir& dir) {
    dir.copy("testcases/seeds/race.c", "small/race.c");
    dir.copy("testcases/seeds/lost_wakeup_fixed.c", "small/fixed.c");
    dir.write("small/broken, \"really\".c", "int main(void) { return undefined_name; }\n");
}

const std::vector<std::string> kSmallClass{"small/race.c", "small/fixed.c",
                                           "small/broken, \"really\".c"};

std::vector<std::string> with_class(std::vector<std::string> args) {
    args.insert(args.end(), kSmallClass.begin(), kSmallClass.end());
    return args;
}

TEST(GradingFormats, CsvHasAHeaderAndTheRowsOfJsonl) {
    TempDir dir;
    write_small_class(dir);
    CommandResult csv = grade(with_class({"--format", "csv", "--max-executions", "2"}), dir.path());
    CommandResult jsonl =
        grade(with_class({"--format", "jsonl", "--max-executions", "2"}), dir.path());
    EXPECT_EQ(csv.status, 1) << csv.err;
    EXPECT_EQ(jsonl.status, 1) << jsonl.err;
    auto records = parse_csv(csv.out);
    ASSERT_EQ(records.size(), 4u) << csv.out;
    EXPECT_EQ(records[0], (std::vector<std::string>{"program", "verdict", "findings", "executions",
                                                    "seconds", "message"}));
    auto rows = jsonl_rows(jsonl.out);
    ASSERT_EQ(rows.size(), 3u) << jsonl.out;
    for (size_t i = 1; i < records.size(); ++i) {
        const std::vector<std::string>& record = records[i];
        ASSERT_EQ(record.size(), 6u) << csv.out;
        SCOPED_TRACE(record[0]);
        ASSERT_TRUE(rows.count(record[0])) << "CSV names a program JSONL does not";
        const nlohmann::json& row = rows[record[0]];
        EXPECT_EQ(record[1], row["verdict"]);
        EXPECT_EQ(record[3], std::to_string(row["executions"].get<int>()));
        EXPECT_EQ(record[5], row["message"]);
    }
    EXPECT_EQ(rows["small/race.c"]["verdict"], "bug");
    EXPECT_EQ(records[3][0], "small/race.c");  // rows come sorted by name
    EXPECT_EQ(records[3][2], "data-race:1");
    EXPECT_TRUE(kClean.count(rows["small/fixed.c"]["verdict"]));
    EXPECT_EQ(rows["small/broken, \"really\".c"]["verdict"], "compile-error");
}

TEST(GradingFormats, JsonIsOneDocumentWithARowPerProgram) {
    TempDir dir;
    write_small_class(dir);
    CommandResult result =
        grade(with_class({"--format", "json", "--max-executions", "2"}), dir.path());
    EXPECT_EQ(result.status, 1) << result.err;
    nlohmann::json document = nlohmann::json::parse(result.out, nullptr, false);
    ASSERT_TRUE(document.is_object()) << result.out;
    EXPECT_EQ(document["tool"], "baton");
    EXPECT_EQ(document["command"], "check");
    ASSERT_EQ(document["programs"].size(), 3u);
    EXPECT_EQ(document["programs"][2]["program"], "small/race.c");
    EXPECT_EQ(document["programs"][2]["findings"][0]["kind"], "data-race");
    const nlohmann::json& verdicts = document["verdicts"];
    EXPECT_EQ(verdicts.size(), 3u) << verdicts;  // bug, compile-error, and a clean one
    EXPECT_EQ(verdicts["bug"], 1) << verdicts;
    EXPECT_EQ(verdicts["compile-error"], 1) << verdicts;
}

TEST(GradingFormats, TextIsATableWithASummary) {
    TempDir dir;
    write_small_class(dir);
    CommandResult result = grade(with_class({"--max-executions", "2", "--jobs", "1"}), dir.path());
    EXPECT_EQ(result.status, 1) << result.err;
    std::istringstream lines(result.out);
    std::vector<std::string> table;
    for (std::string line; std::getline(lines, line);) table.push_back(line);
    ASSERT_EQ(table.size(), 6u) << result.out;
    EXPECT_EQ(table[0].rfind("program", 0), 0u) << table[0];
    EXPECT_NE(table[1].find("compile-error"), std::string::npos) << table[1];
    EXPECT_NE(table[1].find("undefined_name"), std::string::npos) << table[1];
    EXPECT_EQ(table[2].rfind("small/fixed.c", 0), 0u) << table[2];
    EXPECT_NE(table[3].find("1 data-race"), std::string::npos) << table[3];
    EXPECT_EQ(table[4], "");
    EXPECT_EQ(table[5].rfind("3 programs: 1 bug, 1 ", 0), 0u) << table[5];
    EXPECT_NE(table[5].find(", 1 compile-error; "), std::string::npos) << table[5];
    EXPECT_NE(table[5].find("with 1 job"), std::string::npos) << table[5];
}

// Shards split the sorted list by position (I, I+N, ...); together they are the whole run.
TEST(GradingShards, ShardsPartitionTheSortedListAndMergeWithCat) {
    TempDir dir;
    std::vector<std::string> programs;
    for (int i = 1; i <= 7; ++i) {
        std::string name = "shards/p" + std::to_string(i) + ".c";
        // Two clean programs; the others fail to compile (quick, and still rows).
        if (i == 1 || i == 5) dir.copy("testcases/seeds/lost_wakeup_fixed.c", name);
        else dir.write(name, "int main(void) { return missing" + std::to_string(i) + "; }\n");
        programs.push_back(name);
    }
    // Given in another order than sorted: the split must not depend on it.
    std::vector<std::string> args{"--format", "jsonl", "--max-executions", "1"};
    args.insert(args.end(), programs.rbegin(), programs.rend());
    CommandResult whole = grade(args, dir.path());
    auto all = jsonl_rows(whole.out);
    ASSERT_EQ(all.size(), 7u) << whole.out << whole.err;

    std::string merged;
    for (int shard = 1; shard <= 3; ++shard) {
        std::vector<std::string> shard_args = args;
        shard_args.insert(shard_args.begin(), {"--shard", std::to_string(shard) + "/3"});
        CommandResult part = grade(shard_args, dir.path());
        EXPECT_EQ(part.status, 1) << part.err;
        std::set<std::string> got;
        for (const auto& [program, row] : jsonl_rows(part.out)) got.insert(program);
        std::set<std::string> want;
        for (size_t position = shard - 1; position < programs.size(); position += 3)
            want.insert(programs[position]);
        EXPECT_EQ(got, want) << "shard " << shard;
        merged += part.out;
    }
    auto union_rows = jsonl_rows(merged);
    ASSERT_EQ(union_rows.size(), all.size());
    for (const auto& [program, row] : all) {
        EXPECT_EQ(union_rows[program]["verdict"], row["verdict"]) << program;
        EXPECT_EQ(union_rows[program]["message"], row["message"]) << program;
    }

    CommandResult empty = grade({"--shard", "4/4", "--format", "csv", programs[0], programs[1]},
                                dir.path());
    EXPECT_EQ(empty.status, 0) << empty.err;
    EXPECT_EQ(empty.out, "program,verdict,findings,executions,seconds,message\n");
}

TEST(GradingExit, ZeroWhenEveryProgramIsCleanOneForACompileErrorAlone) {
    TempDir dir;
    dir.copy("testcases/seeds/lost_wakeup_fixed.c", "a.c");
    dir.copy("testcases/seeds/conditionvar.c", "b.c");
    dir.write("broken/main.c", "int main(void) { return 0 }\n");
    CommandResult clean = grade({"--max-executions", "2", "a.c", "b.c"}, dir.path());
    EXPECT_EQ(clean.status, 0) << clean.out << clean.err;
    CommandResult broken = grade({"broken"}, dir.path());
    EXPECT_EQ(broken.status, 1) << broken.out << broken.err;
    EXPECT_NE(broken.out.find("compile-error"), std::string::npos) << broken.out;
}

TEST(GradingOptions, ProgramArgumentsReachEveryProgram) {
    TempDir dir;
    const char* program = R"(#include <string.h>
int main(int argc, char** argv) { return argc == 3 && strcmp(argv[2], "two") == 0 ? 0 : 7; }
)";
    dir.write("first.c", program);
    dir.write("second.c", program);
    CommandResult with = grade({"--format", "jsonl", "--max-executions=2", "first.c", "second.c",
                                "--", "one", "two"},
                               dir.path());
    EXPECT_EQ(with.status, 0) << with.out << with.err;
    auto clean_rows = jsonl_rows(with.out);
    ASSERT_EQ(clean_rows.size(), 2u);
    for (const auto& [name, row] : clean_rows) EXPECT_TRUE(kClean.count(row["verdict"])) << name;
    CommandResult without = grade({"--format", "jsonl", "--max-executions", "1", "first.c",
                                   "second.c"},
                                  dir.path());
    EXPECT_EQ(without.status, 1);
    auto rows = jsonl_rows(without.out);
    ASSERT_EQ(rows.size(), 2u);
    for (const auto& [name, row] : rows) {
        EXPECT_EQ(row["counts"].get<Counts>(), (Counts{{"exit-failure", 1}})) << name;
        EXPECT_NE(row["message"].get<std::string>().find("status 7"), std::string::npos);
    }
}

// The input every program reads, given as --stdin or redirected to the grader, reaches every
// program's check (whose own standard input is /dev/null).
TEST(GradingOptions, InputReachesEveryProgram) {
    TempDir dir;
    const char* program = R"(#include <stdio.h>
int main(void) { int n = 0; return scanf("%d", &n) == 1 && n == 42 ? 0 : 7; }
)";
    dir.write("first.c", program);
    dir.write("second.c", program);
    std::string input = dir.write("input.txt", "42\n");
    CommandResult given = grade({"--format", "jsonl", "--max-executions=1", "--stdin", input, "first.c", "second.c"},
                                dir.path());
    CommandResult redirected = run_command({"/bin/sh", "-c",
                                            "exec \"$0\" check --format jsonl --max-executions=1 first.c second.c < \"$1\"",
                                            baton_binary("baton"), input},
                                           dir.path());
    CommandResult without = grade({"--format", "jsonl", "--max-executions=1", "first.c", "second.c"}, dir.path());
    for (const CommandResult* graded : {&given, &redirected}) {
        EXPECT_EQ(graded->status, 0) << graded->out << graded->err;
        auto rows = jsonl_rows(graded->out);
        ASSERT_EQ(rows.size(), 2u) << graded->out << graded->err;
        for (const auto& [name, row] : rows) EXPECT_TRUE(kClean.count(row["verdict"])) << name << row.dump();
    }
    EXPECT_EQ(without.status, 1) << without.out << without.err;
}

// A control group's CPU quota (a container's --cpus) narrows the default --jobs, which the
// affinity mask alone does not: with a quota of one core, one program is checked at a time.
// Needs a cgroup hierarchy with the cpu controller that this user may make a group in.
TEST(GradingJobs, ACpuQuotaNarrowsTheDefault) {
    const std::string name = "baton-test-" + std::to_string(getpid());
    std::string group, quota_file, quota;
    if (mkdir(("/sys/fs/cgroup/cpu/" + name).c_str(), 0755) == 0) {
        group = "/sys/fs/cgroup/cpu/" + name;
        quota_file = group + "/cpu.cfs_quota_us";
        quota = "100000";  // against the default period of 100000 us
    } else if (mkdir(("/sys/fs/cgroup/" + name).c_str(), 0755) == 0) {
        group = "/sys/fs/cgroup/" + name;
        quota_file = group + "/cpu.max";
        quota = "100000 100000";
    }
    if (group.empty()) GTEST_SKIP() << "cannot make a control group here";
    bool limited = static_cast<bool>(std::ofstream(quota_file) << quota << std::flush);
    TempDir dir;
    for (const char* program : {"a.c", "b.c"}) dir.write(program, "int main(void) { return 0; }\n");
    CommandResult graded;
    if (limited) {
        graded = run_command({"/bin/sh", "-c",
                              "echo $$ > " + group + "/cgroup.procs && exec " + baton_binary("baton") +
                                  " check --format json a.c b.c"},
                             dir.path());
    }
    rmdir(group.c_str());  // empty again: the shell and baton have ended
    if (!limited) GTEST_SKIP() << "cannot set a CPU quota in " << group;
    nlohmann::json report = nlohmann::json::parse(graded.out, nullptr, false);
    ASSERT_TRUE(report.is_object()) << graded.out << graded.err;
    EXPECT_EQ(report["stats"]["jobs"], 1) << graded.out;
}

// A row says what `baton check` alone says of the same program with the same options: the
// options (here the budget and the seed) reach every check, and the verdict, the findings
// and the executions come back unchanged.
TEST(GradingOptions, RowsAgreeWithPlainCheck) {
    TempDir dir;
    const std::vector<std::string> testcases{"testcases/seeds/race.c",
                                             "testcases/deadlock/lock_order_fixed.c",
                                             "testcases/deadlock/self_deadlock.c"};
    const std::vector<std::string> options{"--max-executions", "2", "--seed", "7"};
    std::vector<std::string> args{"--format", "jsonl"};
    args.insert(args.end(), options.begin(), options.end());
    for (const std::string& testcase : testcases) {
        std::string name = fs::path(testcase).filename().string();
        dir.copy(testcase, "agree/" + name);
        args.push_back("agree/" + name);
    }
    CommandResult graded = grade(args, dir.path());
    auto rows = jsonl_rows(graded.out);
    ASSERT_EQ(rows.size(), testcases.size()) << graded.out << graded.err;
    for (const auto& [program, row] : rows) {
        SCOPED_TRACE(program);
        std::vector<std::string> alone{"--format", "json"};
        alone.insert(alone.end(), options.begin(), options.end());
        alone.push_back(program);
        CommandResult plain = grade(alone, dir.path());
        nlohmann::json report = nlohmann::json::parse(plain.out, nullptr, false);
        ASSERT_TRUE(report.is_object()) << plain.out << plain.err;
        EXPECT_EQ(row["verdict"], report["verdict"]);
        EXPECT_EQ(row["executions"], report["stats"]["executions"]);
        ASSERT_EQ(row["findings"].size(), report["findings"].size());
        for (size_t i = 0; i < row["findings"].size(); ++i) {
            EXPECT_EQ(row["findings"][i]["kind"], report["findings"][i]["kind"]);
            EXPECT_EQ(row["findings"][i]["message"], report["findings"][i]["message"]);
            EXPECT_EQ(row["findings"][i]["location"], report["findings"][i]["location"]);
        }
    }
    EXPECT_EQ(rows["agree/race.c"]["executions"], 2) << "--max-executions did not reach the check";
}

// One source file is still a plain `baton check`; a directory, or an option only grading
// has, makes it grading even for one program.
TEST(GradingDispatch, OneFileIsAPlainCheckADirectoryIsGraded) {
    TempDir dir;
    dir.copy("testcases/seeds/race.c", "alone/race.c");
    CommandResult single = grade({"--format", "json", "--max-executions", "1", "alone/race.c"},
                                 dir.path());
    EXPECT_EQ(single.status, 1) << single.err;
    nlohmann::json report = nlohmann::json::parse(single.out, nullptr, false);
    ASSERT_TRUE(report.is_object()) << single.out;
    EXPECT_EQ(report["program"], "alone/race.c");
    EXPECT_FALSE(report.contains("programs"));

    CommandResult directory = grade({"--format", "jsonl", "--max-executions", "1", "alone/"},
                                    dir.path());
    EXPECT_EQ(directory.status, 1) << directory.err;
    auto rows = jsonl_rows(directory.out);
    ASSERT_EQ(rows.size(), 1u) << directory.out;
    EXPECT_EQ(rows["alone"]["verdict"], "bug");

    CommandResult csv =
        grade({"--format", "csv", "--max-executions", "1", "alone/race.c"}, dir.path());
    EXPECT_EQ(csv.status, 1) << csv.err;
    EXPECT_EQ(parse_csv(csv.out).size(), 2u) << csv.out;
}

TEST(GradingErrors, BadInputIsOneLineAndNothingRuns) {
    TempDir dir;
    dir.copy("testcases/seeds/race.c", "race.c");
    dir.copy("testcases/seeds/mutex.c", "mutex.c");
    fs::create_directory(dir.path() + "/empty");
    dir.write("headers/only.h", "int x;\n");
    auto expect = [&](std::vector<std::string> args, const std::string& fragment) {
        SCOPED_TRACE(fragment);
        expect_usage_error(grade(args, dir.path()), fragment);
    };
    expect({"race.c", "missing.c", "mutex.c"}, "cannot read 'missing.c'");
    expect({"race.c", "empty"}, "'empty' holds no C or C++ source");
    expect({"headers"}, "'headers' holds no C or C++ source");
    expect({"--jobs", "0", "race.c", "mutex.c"}, "--jobs");
    expect({"--jobs", "two", "race.c", "mutex.c"}, "--jobs");
    expect({"--shard", "0/3", "race.c"}, "--shard");
    expect({"--shard", "4/3", "race.c"}, "--shard");
    expect({"--shard", "1", "race.c"}, "--shard");
    expect({"--shard", "a/b", "race.c"}, "--shard");
    expect({"--memory-limit", "2G", "race.c", "mutex.c"}, "--memory-limit");
    expect({"--memory-limit", "0", "race.c", "mutex.c"}, "--memory-limit");
    expect({"--compile-allowance", "never", "race.c", "mutex.c"}, "--compile-allowance");
    expect({"--format", "xml", "race.c", "mutex.c"}, "--format");
    expect({"--frobnicate", "1", "race.c", "mutex.c"}, "unknown option '--frobnicate'");
    expect({"-q", "race.c", "mutex.c"}, "unknown option '-q'");
    expect({"--max-executions", "many", "race.c", "mutex.c"}, "--max-executions");
    expect({"--strategy", "psychic", "race.c", "mutex.c"}, "--strategy");
    expect({"race.c", "mutex.c", "--time-limit"}, "needs a value");
    expect({"--jobs", "2"}, "no program given");
}

}  // namespace
