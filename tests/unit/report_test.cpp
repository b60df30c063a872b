#include <gtest/gtest.h>

#include "report/baseline.h"
#include "report/check_report.h"
#include "report/json.h"
#include "report/junit.h"
#include "report/markup.h"
#include "report/runtime_findings.h"

using baton::report::signed_value;

TEST(SignedValue, SignExtendsBySize) {
    EXPECT_EQ(signed_value(0xFFFFFFFF, 4), -1);
    EXPECT_EQ(signed_value(0x7FFFFFFF, 4), 0x7FFFFFFF);
    EXPECT_EQ(signed_value(0xFF, 1), -1);
    EXPECT_EQ(signed_value(0x1FF, 1), -1);  // bytes beyond the size are ignored
    EXPECT_EQ(signed_value(28, 4), 28);
    EXPECT_EQ(signed_value(0xFFFFFFFFFFFFFFFF, 8), -1);
}

TEST(CheckJson, HasTheContractFields) {
    baton::report::Finding finding;
    finding.kind = "data-race";
    finding.message = "data race on 'mails': thread 2 writes while thread 1 reads";
    finding.location = {"race.c", 8, 5, "routine"};
    finding.steps.push_back({1, "read", "mails", 27, {"race.c", 8, 5, "routine"}, 57, "thread 1 reads 'mails' = 27"});
    finding.story = "thread 1's write of 28 to 'mails' overwrote thread 2's 48: 21 increments were lost";
    baton::report::CheckSummary summary{.program = "race.c", .verdict = "bug", .executions = 3, .strategy = "dpor+pct", .complete = false, .seconds = 1.2346};
    auto json = baton::report::check_json({finding}, summary);
    EXPECT_EQ(json["tool"], "baton");
    EXPECT_EQ(json["command"], "check");
    EXPECT_EQ(json["verdict"], "bug");
    EXPECT_EQ(json["findings"][0]["location"]["line"], 8);
    EXPECT_EQ(json["findings"][0]["steps"][0]["value"], 27);
    EXPECT_EQ(json["findings"][0]["steps"][0]["target"], "mails");
    EXPECT_EQ(json["findings"][0]["steps"][0]["index"], 57);
    EXPECT_EQ(json["findings"][0]["steps"][0]["note"], "thread 1 reads 'mails' = 27");
    EXPECT_EQ(json["findings"][0]["story"], finding.story);
    EXPECT_EQ(json["stats"]["executions"], 3);
    EXPECT_EQ(json["stats"]["complete"], false);
    EXPECT_DOUBLE_EQ(json["stats"]["seconds"].get<double>(), 1.235);  // to the millisecond
}

// Grading reads each program's JSON report back into findings (for its SARIF and JUnit): what
// check_json writes, finding_from_json restores.
TEST(CheckJson, ReadsBackWhatItWrites) {
    baton::report::Finding finding;
    finding.kind = "deadlock";
    finding.message = "thread 1 waits for mutex 'b', held by thread 2";
    finding.location = {"lock_order.c", 14, 5, "transfer"};
    finding.steps.push_back({1, "lock", "a", std::nullopt, {"lock_order.c", 13, 5, "transfer"}, 6, "thread 1 takes 'a'"});
    finding.steps.push_back({2, "write", "x", -3, {"lock_order.c", 20, 0, ""}, 0, ""});
    finding.stacks.push_back({2, "waits for mutex 'a'", {{{"lock_order.c", 24, 5, "other"}, "", 0}}});
    finding.notes.push_back({"thread 1 was created here", {"lock_order.c", 34, 5, "main"}});
    finding.story = "no thread can go on";
    finding.schedule = "lock_order.c.baton-schedule";
    finding.found_in = "execution 1";
    finding.fingerprint = "0123456789abcdef";
    finding.accepted_by = "base.json";
    baton::report::CheckSummary summary{.program = "lock_order.c", .verdict = "bug"};
    nlohmann::json written = baton::report::check_json({finding}, summary)["findings"][0];
    baton::report::Finding read = baton::report::finding_from_json(written);
    EXPECT_EQ(baton::report::check_json({read}, summary)["findings"][0], written);
    EXPECT_EQ(read.steps[1].value, -3);
    EXPECT_FALSE(read.steps[0].value.has_value());
    // What is not a report reads as an empty finding, not a crash.
    EXPECT_TRUE(baton::report::finding_from_json(nlohmann::json::parse(R"({"kind": 3, "steps": "no"})")).kind.empty());
}

TEST(CheckFingerprint, IgnoresThreadIdsValuesAndAddresses) {
    using baton::report::normalized_message;
    EXPECT_EQ(normalized_message("data race on 'mails': thread 2 writes while thread 1 reads"),
              "data race on 'mails': thread # writes while thread # reads");
    EXPECT_EQ(normalized_message("thread 1 crashed: SIGSEGV at address 0x7ffc12ab"),
              "thread # crashed: SIGSEGV at address #");
    EXPECT_EQ(normalized_message("data race on 'table+8'"), "data race on 'table+#'");
    // A digit inside a name is part of the name: buf1 and buf2 are different variables.
    EXPECT_EQ(normalized_message("data race on 'buf2'"), "data race on 'buf2'");

    baton::report::Finding a;
    a.kind = "data-race";
    a.message = "data race on 'mails': thread 2 writes while thread 1 reads";
    a.location = {"race.c", 8, 5, "routine"};
    baton::report::Finding b = a;
    b.message = "data race on 'mails': thread 3 writes while thread 2 reads";
    b.location.line = 12;  // code moved
    EXPECT_EQ(check_fingerprint(a), check_fingerprint(b));
    b.location.function = "other";
    EXPECT_NE(check_fingerprint(a), check_fingerprint(b));
    EXPECT_EQ(check_fingerprint(a).size(), 16u);
}

namespace {

baton::report::Finding racy_finding() {
    baton::report::Finding finding;
    finding.kind = "data-race";
    finding.message = "data race on 'mails': thread 2 writes while thread 1 reads";
    finding.location = {"race.c", 8, 5, "routine"};
    finding.fingerprint = "0123456789abcdef";
    return finding;
}

}  // namespace

TEST(CheckSarif, OneThreadFlowPerThreadWithStepsInGlobalOrder) {
    baton::report::Finding finding = racy_finding();
    finding.steps = {{1, "read", "mails", 27, {"race.c", 8, 5, "routine"}},
                     {2, "write", "mails", 48, {"race.c", 8, 5, "routine"}},
                     {1, "write", "mails", 28, {"race.c", 8, 5, "routine"}}};
    baton::report::CheckSummary summary{.program = "race.c", .verdict = "bug"};
    auto log = baton::report::check_sarif({finding}, summary, "/src");
    const auto& result = log["runs"][0]["results"][0];
    EXPECT_EQ(result["ruleId"], "data-race");
    EXPECT_EQ(log["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"].get<int>()]["id"], "data-race");
    EXPECT_EQ(result["level"], "error");
    EXPECT_EQ(result["partialFingerprints"]["batonFingerprint/v1"], "0123456789abcdef");
    const auto& flows = result["codeFlows"][0]["threadFlows"];
    ASSERT_EQ(flows.size(), 2u);
    EXPECT_EQ(flows[0]["id"], "1");
    ASSERT_EQ(flows[0]["locations"].size(), 2u);
    EXPECT_EQ(flows[0]["locations"][0]["executionOrder"], 1);
    EXPECT_EQ(flows[0]["locations"][1]["executionOrder"], 3);
    EXPECT_EQ(flows[1]["locations"][0]["executionOrder"], 2);
    EXPECT_EQ(flows[1]["locations"][0]["location"]["message"]["text"], "thread 2: write mails = 48");
    EXPECT_EQ(flows[1]["locations"][0]["location"]["physicalLocation"]["region"]["startLine"], 8);
    EXPECT_FALSE(result.contains("baselineState"));
}

TEST(CheckSarif, WithoutStepsEachStackIsAThreadFlow) {
    baton::report::Finding finding = racy_finding();
    finding.kind = "deadlock";
    finding.stacks = {{1, "waits for mutex 'b', held by thread 2", {{{"d.c", 14, 0, "ab"}, "", 0}}},
                      {2, "waits for mutex 'a', held by thread 1", {{{"", 0, 0, "??"}, "", 0}, {{"d.c", 24, 0, "ba"}, "", 0}}}};
    baton::report::CheckSummary summary{.program = "d.c", .verdict = "bug"};
    summary.baseline = "old.json";
    finding.accepted_by = "old.json";
    auto result = baton::report::check_sarif({finding}, summary, "/src")["runs"][0]["results"][0];
    const auto& flows = result["codeFlows"][0]["threadFlows"];
    ASSERT_EQ(flows.size(), 2u);
    // The first frame with a source line is where the thread is.
    EXPECT_EQ(flows[1]["locations"][0]["location"]["physicalLocation"]["region"]["startLine"], 24);
    EXPECT_EQ(flows[1]["locations"][0]["stack"]["frames"].size(), 2u);
    EXPECT_EQ(result["baselineState"], "unchanged");
    EXPECT_EQ(result["suppressions"][0]["kind"], "external");
}

TEST(CheckJunit, FailsOncePerFailingFindingAndEscapes) {
    baton::report::Finding race = racy_finding(), note = racy_finding();
    race.message = "data race on 'a<b>' & \"c\"";
    note.kind = "output-divergence";
    baton::report::CheckSummary summary{.program = "race.c", .verdict = "bug"};
    summary.fail_on = {"data-race"};
    std::string xml = baton::report::check_junit({race, note}, summary);
    EXPECT_NE(xml.find("tests=\"1\" failures=\"1\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("<failure type=\"data-race\" message=\"data race on &apos;a&lt;b&gt;&apos; &amp; &quot;c&quot;\""),
              std::string::npos) << xml;
    EXPECT_EQ(xml.find("<failure type=\"output-divergence\""), std::string::npos) << xml;
    EXPECT_EQ(baton::report::xml_escape(std::string("a\x01") + "b\n"), "ab\n");
}

TEST(FailsRun, BaselineAndFailOn) {
    baton::report::Finding finding = racy_finding();
    baton::report::CheckSummary summary;
    EXPECT_TRUE(fails_run(finding, summary));
    summary.fail_on = {"deadlock"};
    EXPECT_FALSE(fails_run(finding, summary));
    summary.fail_on = {"data-race"};
    EXPECT_TRUE(fails_run(finding, summary));
    finding.accepted_by = "baseline.json";
    EXPECT_FALSE(fails_run(finding, summary));
}
