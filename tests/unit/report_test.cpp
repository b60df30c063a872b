#include <gtest/gtest.h>

#include "report/check_report.h"
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
    baton::report::CheckSummary summary{.program = "race.c", .verdict = "bug", .executions = 3, .strategy = "dpor+pct", .complete = false, .seconds = 1.234};
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
    EXPECT_DOUBLE_EQ(json["stats"]["seconds"].get<double>(), 1.23);
}
