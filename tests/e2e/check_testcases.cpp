// Runs `baton check --format json` on every testcase program and compares its findings with
// the expectations in the program's header comment:
//
//   // expect: data-race on 'mails'     a finding of this kind whose message names 'mails'
//   // expect: deadlock                  a finding of this kind
//   // expect: no findings               nothing at all
//   // may: data-race on 'buffer'        allowed, not required (depends on the schedules);
//                                       'buffer' covers its elements ('buffer+8') too
//   // baton-check-options: --max-executions 5     extra options for this program
//
// Every expectation must be met by a finding, and every finding must be expected. Each
// program is checked in a directory of its own (schedules are saved next to the program), with
// a time limit below the default, and the first finding's schedule must replay it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "e2e_support.h"

namespace fs = std::filesystem;
using baton::e2e::baton_binary;
using baton::e2e::run_command;

namespace {

struct Expectation {
    std::string kind;
    std::string target;  // empty: any
};

struct Testcase {
    std::string path;  // relative to the source directory
    std::vector<Expectation> expected;
    std::vector<Expectation> allowed;
    bool expects_nothing = false;
    std::vector<std::string> options;
};

Testcase read_testcase(const std::string& relative) {
    Testcase testcase{relative, {}, {}, false, {}};
    std::ifstream file(baton::e2e::source_path(relative));
    std::string line;
    std::regex expect(R"(^\s*//\s*expect:\s*([a-z-]+)(?:\s+on\s+'([^']+)')?\s*$)");
    std::regex nothing(R"(^\s*//\s*expect:\s*no findings\s*$)");
    std::regex may(R"(^\s*//\s*may:\s*([a-z-]+)(?:\s+on\s+'([^']+)')?\s*$)");
    std::regex options(R"(^\s*//\s*baton-check-options:\s*(.*)$)");
    std::smatch match;
    while (std::getline(file, line)) {
        if (std::regex_match(line, nothing)) {
            testcase.expects_nothing = true;
        } else if (std::regex_match(line, match, expect)) {
            testcase.expected.push_back({match[1], match[2]});
        } else if (std::regex_match(line, match, may)) {
            testcase.allowed.push_back({match[1], match[2]});
        } else if (std::regex_match(line, match, options)) {
            std::istringstream words(match[1].str());
            for (std::string word; words >> word;) testcase.options.push_back(word);
        }
    }
    return testcase;
}

std::vector<std::string> testcase_files() {
    std::vector<std::string> files;
    fs::path root = baton::e2e::source_path("testcases");
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file()) continue;
        std::string relative = fs::relative(entry.path(), baton::e2e::source_path("")).string();
        std::string extension = entry.path().extension().string();
        if (relative.rfind("testcases/lint/", 0) == 0) continue;  // static-analysis inputs
        if (extension == ".c" || extension == ".cpp") files.push_back(relative);
    }
    std::sort(files.begin(), files.end());
    return files;
}

bool matches(const Expectation& expectation, const nlohmann::json& finding) {
    if (finding.value("kind", "") != expectation.kind) return false;
    if (expectation.target.empty()) return true;
    // 'buffer' also names its elements ('buffer+8').
    std::string message = finding.value("message", "");
    return message.find("'" + expectation.target + "'") != std::string::npos ||
           message.find("'" + expectation.target + "+") != std::string::npos;
}

class Testcases : public testing::TestWithParam<std::string> {};

// Below the default (30 s) to keep the suite short: a bug must turn up well within it.
// mutual.c hands the turn over two million times, each a switch of the thread pointer; where the
// CPU lacks FSGSBASE every switch is a system call, and one execution takes 8 s or more.
constexpr const char* kTimeLimit = "20";

TEST_P(Testcases, FindingsMatchExpectations) {
    Testcase testcase = read_testcase(GetParam());
    ASSERT_TRUE(testcase.expects_nothing || !testcase.expected.empty())
        << testcase.path << " states no expectation (// expect: ...)";
    fs::path directory = fs::temp_directory_path() / ("baton-e2e-" + std::to_string(getpid()));
    fs::remove_all(directory);
    fs::create_directories(directory);
    fs::path program = directory / fs::path(testcase.path).filename();
    fs::copy_file(baton::e2e::source_path(testcase.path), program);
    std::vector<std::string> command{baton_binary("baton"), "check", "--format", "json",
                                     "--time-limit", kTimeLimit};
    command.insert(command.end(), testcase.options.begin(), testcase.options.end());
    command.push_back(program.filename().string());
    auto result = run_command(command, directory.string());
    ASSERT_TRUE(result.status == 0 || result.status == 1)
        << "exit status " << result.status << "\nstderr:\n" << result.err;
    auto report = nlohmann::json::parse(result.out, nullptr, false);
    ASSERT_TRUE(report.is_object()) << "not JSON:\n" << result.out;
    EXPECT_EQ(report["tool"], "baton");
    EXPECT_EQ(report["command"], "check");
    const auto& findings = report["findings"];
    EXPECT_EQ(result.status, findings.empty() ? 0 : 1);
    for (const Expectation& expectation : testcase.expected) {
        bool met = false;
        for (const auto& finding : findings) met |= matches(expectation, finding);
        EXPECT_TRUE(met) << "expected " << expectation.kind
                         << (expectation.target.empty() ? "" : " on '" + expectation.target + "'")
                         << ", got:\n" << findings.dump(2);
    }
    for (const auto& finding : findings) {
        bool expected = false;
        for (const Expectation& expectation : testcase.expected) expected |= matches(expectation, finding);
        for (const Expectation& allowance : testcase.allowed) expected |= matches(allowance, finding);
        EXPECT_TRUE(expected) << "unexpected finding:\n" << finding.dump(2);
        EXPECT_TRUE(finding.contains("schedule") && fs::exists(directory / finding.value("schedule", "")))
            << "no schedule saved for:\n" << finding.dump(2);
    }
    if (!findings.empty() && findings[0].contains("schedule")) {
        auto replay = run_command({baton_binary("baton"), "replay", "--time-limit", kTimeLimit,
                                   findings[0]["schedule"].get<std::string>()},
                                  directory.string());
        EXPECT_EQ(replay.status, 1) << "replaying the first finding:\n" << replay.out << replay.err;
        std::string kind = findings[0].value("kind", "");
        if (kind != "exit-failure")
            EXPECT_NE(replay.out.find("] " + kind + ":"), std::string::npos)
                << "the replay does not show the " << kind << ":\n" << replay.out;
    }
    fs::remove_all(directory);
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
    std::string name = info.param;
    for (char& c : name)
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(Check, Testcases, testing::ValuesIn(testcase_files()), test_name);

}  // namespace
