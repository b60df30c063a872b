// The CI side of `baton check` (docs/ci.md): --fail-on, --baseline/--write-baseline and
// --format junit, on a real deadlock (testcases/deadlock/lock_order.c, found in a second).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "e2e_support.h"

using baton::e2e::baton_binary;
using baton::e2e::CommandResult;
using baton::e2e::run_command;
using baton::e2e::source_path;
using baton::e2e::TempDir;

namespace {

// The testcase copied into `dir`, so its schedule files land there.
std::string deadlock_program(const TempDir& dir) {
    std::string path = dir.file("lock_order.c");
    std::filesystem::copy_file(source_path("testcases/deadlock/lock_order.c"), path);
    return path;
}

CommandResult check(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), {baton_binary("baton"), "check"});
    return run_command(arguments);
}

void expect_one_line_error(const CommandResult& result, const std::string& fragment) {
    EXPECT_EQ(result.status, 2);
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_NE(result.err.find(fragment), std::string::npos) << result.err;
}

TEST(CheckFailOn, OnlyTheNamedKindsFail) {
    TempDir dir;
    std::string program = deadlock_program(dir);
    CommandResult other = check({"--fail-on", "data-race,crash", "--format", "json", program});
    EXPECT_EQ(other.status, 0) << other.err;
    auto report = nlohmann::json::parse(other.out);
    ASSERT_EQ(report["findings"].size(), 1u);  // still reported
    EXPECT_EQ(report["findings"][0]["kind"], "deadlock");
    CommandResult named = check({"--fail-on=deadlock", program});
    EXPECT_EQ(named.status, 1) << named.err;
}

TEST(CheckFailOn, UnknownKindListsTheKinds) {
    CommandResult result = check({"--fail-on", "data-race,races", "x.c"});
    expect_one_line_error(result, "unknown finding kind 'races'");
    EXPECT_NE(result.err.find("lock-order-inversion"), std::string::npos) << result.err;
}

TEST(CheckBaseline, AcceptedFindingsAreReportedButDoNotFail) {
    TempDir dir;
    std::string program = deadlock_program(dir);
    std::string baseline = dir.file("baseline.json");
    CommandResult first = check({"--write-baseline", baseline, program});
    EXPECT_EQ(first.status, 1) << first.err;
    auto written = nlohmann::json::parse(std::ifstream(baseline));
    ASSERT_EQ(written["findings"].size(), 1u);
    EXPECT_EQ(written["findings"][0]["fingerprint"].get<std::string>().size(), 16u);

    // Another seed, the same bug: the baseline still matches it.
    CommandResult json = check({"--baseline", baseline, "--seed", "5", "--format", "json", program});
    EXPECT_EQ(json.status, 0) << json.err;
    auto report = nlohmann::json::parse(json.out);
    ASSERT_EQ(report["findings"].size(), 1u);
    EXPECT_EQ(report["findings"][0]["accepted_by"], baseline);

    CommandResult sarif = check({"--baseline", baseline, "--format", "sarif", program});
    EXPECT_EQ(sarif.status, 0) << sarif.err;
    auto result = nlohmann::json::parse(sarif.out)["runs"][0]["results"][0];
    EXPECT_EQ(result["baselineState"], "unchanged");
    EXPECT_EQ(result["suppressions"][0]["kind"], "external");

    CommandResult text = check({"--baseline", baseline, program});
    EXPECT_EQ(text.status, 0);
    EXPECT_NE(text.out.find("accepted by the baseline"), std::string::npos) << text.out;

    // A SARIF report works as a baseline too.
    std::string sarif_baseline = dir.file("baseline.sarif", sarif.out);
    EXPECT_EQ(check({"--baseline", sarif_baseline, program}).status, 0);
}

TEST(CheckBaseline, BadBaselineIsAnInputError) {
    TempDir dir;
    std::string program = deadlock_program(dir);
    expect_one_line_error(check({"--baseline", dir.path() + "/missing.json", program}), "cannot read baseline");
    std::string garbage = dir.file("garbage.json", "{\"findings\": 3, \n");
    expect_one_line_error(check({"--baseline", garbage, program}), "is not a baton JSON or SARIF report");
    std::string list = dir.file("list.json", "[1, 2]\n");
    expect_one_line_error(check({"--baseline", list, program}), "is not a baton JSON or SARIF report");
    expect_one_line_error(check({"--write-baseline", dir.path() + "/no/such/dir/b.json", program}),
                          "cannot write");
    EXPECT_FALSE(std::filesystem::exists(dir.path() + "/no/such/dir/b.json.tmp"));
}

// GitLab and Jenkins read the XML with ordinary parsers: Python's is the test.
TEST(CheckJunit, IsJUnitXmlWithOneFailurePerFinding) {
    TempDir dir;
    std::string program = deadlock_program(dir);
    CommandResult result = check({"--format", "junit", program});
    EXPECT_EQ(result.status, 1) << result.err;
    std::string xml = dir.file("report.xml", result.out);
    const char* script = R"(
import sys, xml.etree.ElementTree as tree
root = tree.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
cases = root.findall("testsuite/testcase")
assert len(cases) == 1, len(cases)
failures = cases[0].findall("failure")
assert [f.get("type") for f in failures] == ["deadlock"], failures
assert "held by thread" in failures[0].get("message")
assert "lock_order.c:" in failures[0].text
assert root.find("testsuite").get("failures") == "1"
print("ok")
)";
    CommandResult parsed = run_command({BATON_PYTHON, "-c", script, xml});
    EXPECT_EQ(parsed.status, 0) << parsed.err;
    EXPECT_EQ(parsed.out, "ok\n");

    CommandResult passing = check({"--format", "junit", "--fail-on", "data-race", program});
    EXPECT_EQ(passing.status, 0);
    EXPECT_NE(passing.out.find("failures=\"0\""), std::string::npos) << passing.out;
    EXPECT_NE(passing.out.find("<system-out>"), std::string::npos) << passing.out;
}

}  // namespace
