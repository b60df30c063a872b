// Unit tests of the parts of `baton lint` that need no compiler: check globs, NOLINT parsing,
// option parsing, fingerprints, lock-key substitution and the SARIF writer's shape.
#include <fstream>

#include <gtest/gtest.h>

#include "analyzer/baseline.h"
#include "analyzer/check.h"
#include "analyzer/check_globs.h"
#include "analyzer/lock_key.h"
#include "analyzer/options.h"
#include "analyzer/suppression.h"
#include "report/sarif.h"

namespace baton::analyzer {
namespace {

TEST(CheckGlobs, LaterGlobsOverrideEarlierOnes) {
    CheckGlobs globs("-*,baton-busy-wait,baton-cond-*,-baton-cond-wait-unlocked");
    EXPECT_TRUE(globs.enables("baton-busy-wait"));
    EXPECT_TRUE(globs.enables("baton-cond-wait-not-in-loop"));
    EXPECT_FALSE(globs.enables("baton-cond-wait-unlocked"));
    EXPECT_FALSE(globs.enables("baton-lock-order"));
}

TEST(CheckGlobs, DefaultEnablesEveryCheck) {
    CheckGlobs globs("baton-*");
    for (const auto& check : all_checks()) EXPECT_TRUE(globs.enables(check->id())) << check->id();
    EXPECT_EQ(all_checks().size(), 8u);
}

TEST(CheckGlobs, StarMatchesAnyRun) {
    EXPECT_TRUE(glob_match("*", ""));
    EXPECT_TRUE(glob_match("a*c*e", "abcde"));
    EXPECT_FALSE(glob_match("a*c*e", "abcdf"));
    EXPECT_TRUE(glob_match("baton-*-leak", "baton-lock-leak"));
}

TEST(Suppression, NolintWithAndWithoutList) {
    EXPECT_TRUE(line_suppresses("x++; // NOLINT", "NOLINT", "baton-unprotected-shared"));
    EXPECT_TRUE(line_suppresses("x++; // NOLINT(baton-*)", "NOLINT", "baton-unprotected-shared"));
    EXPECT_TRUE(line_suppresses("x++; // NOLINT(foo, baton-unprotected-shared)", "NOLINT",
                                "baton-unprotected-shared"));
    EXPECT_FALSE(line_suppresses("x++; // NOLINT(baton-busy-wait)", "NOLINT", "baton-unprotected-shared"));
    EXPECT_FALSE(line_suppresses("x++;", "NOLINT", "baton-busy-wait"));
}

TEST(Suppression, NolintDoesNotMatchItsLongerSiblings) {
    EXPECT_FALSE(line_suppresses("// NOLINTNEXTLINE(baton-busy-wait)", "NOLINT", "baton-busy-wait"));
    EXPECT_TRUE(line_suppresses("// NOLINTNEXTLINE(baton-busy-wait)", "NOLINTNEXTLINE", "baton-busy-wait"));
}

TEST(Options, ParsesClangTidyStyleCommandLine) {
    const char* argv[] = {"lint", "-p", "build", "--checks=-*,baton-busy-wait", "--format", "sarif",
                          "a.c", "--extra-arg=-DX", "--", "-std=c11"};
    auto parsed = parse_lint_options(10, argv);
    ASSERT_TRUE(std::holds_alternative<LintOptions>(parsed));
    const auto& options = std::get<LintOptions>(parsed);
    EXPECT_EQ(options.build_dir, "build");
    EXPECT_EQ(options.checks, "-*,baton-busy-wait");
    EXPECT_EQ(options.format, OutputFormat::Sarif);
    EXPECT_EQ(options.files, std::vector<std::string>{"a.c"});
    EXPECT_EQ(options.extra_args, std::vector<std::string>{"-DX"});
    ASSERT_TRUE(options.compiler_flags);
    EXPECT_EQ(*options.compiler_flags, std::vector<std::string>{"-std=c11"});
}

TEST(Options, RejectsWhatItDoesNotKnow) {
    const char* unknown[] = {"lint", "--frobnicate", "a.c"};
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_lint_options(3, unknown)));
    const char* format[] = {"lint", "--format=xml", "a.c"};
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_lint_options(3, format)));
    const char* nothing[] = {"lint"};
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_lint_options(1, nothing)));
    const char* dangling[] = {"lint", "a.c", "-p"};
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_lint_options(3, dangling)));
}

TEST(LockKey, ParameterRootsAreSubstitutedByArguments) {
    std::string key = parameter_root("c:@F@put", 0) + ".lock";
    EXPECT_TRUE(is_parameter_key(key));
    EXPECT_EQ(substitute_parameter(key, "c:@F@put", 0, "{c:@queue}"), "{c:@queue}.lock");
    EXPECT_EQ(substitute_parameter(key, "c:@F@put", 1, "{c:@queue}"), "");
    EXPECT_EQ(substitute_parameter(key, "c:@F@get", 0, "{c:@queue}"), "");
}

class Fingerprints : public ::testing::Test {
protected:
    std::string write(const std::string& name, const std::string& text) {
        std::string path = ::testing::TempDir() + name;
        std::ofstream(path) << text;
        return path;
    }
    report::Finding finding(const std::string& file, int line) {
        report::Finding f;
        f.kind = "baton-busy-wait";
        f.location = {file, line, 5, "routine"};
        return f;
    }
};

TEST_F(Fingerprints, SurviveLinesMovingAndTellRepeatsApart) {
    std::string path = write("moving.c", "x;\nwhile (turn != 0);\n");
    std::vector<report::Finding> first = {finding(path, 2), finding(path, 2)};
    SourceText before_edit;
    assign_fingerprints(first, before_edit);
    EXPECT_EQ(first[0].fingerprint.size(), 16u);
    EXPECT_NE(first[0].fingerprint, first[1].fingerprint);  // a repeat is a second identity

    // Two lines inserted above and the indentation changed: the same finding, moved.
    write("moving.c", "x;\n\n\n    while (turn  != 0);\n");
    std::vector<report::Finding> moved = {finding(path, 4)};
    SourceText after_edit;
    assign_fingerprints(moved, after_edit);
    EXPECT_EQ(first[0].fingerprint, moved[0].fingerprint);

    // A different line is a different finding.
    write("moving.c", "x;\nwhile (turn != 1);\n");
    std::vector<report::Finding> changed = {finding(path, 2)};
    SourceText after_change;
    assign_fingerprints(changed, after_change);
    EXPECT_NE(first[0].fingerprint, changed[0].fingerprint);
}

TEST(Sarif, ResultCarriesRuleLocationNotesFixesAndFingerprint) {
    report::SarifLog log;
    log.tool_version = "0.1.0";
    log.rules = {{"baton-busy-wait", "a spin", "help"}};
    report::Finding f;
    f.kind = "baton-busy-wait";
    f.message = "busy wait";
    f.location = {"dir with space/m.c", 15, 9, "routine1"};
    f.notes = {{"written here", {"dir with space/m.c", 26, 9, ""}}};
    f.fixits = {{{"dir with space/m.c", 15, 9, ""}, {"dir with space/m.c", 15, 11, ""}, "while"}};
    f.fingerprint = "0123456789abcdef";
    log.findings = {f};
    log.failed_files = {"/abs/broken.c"};
    log.base_directory = "/work/project";
    log.fingerprint_key = "batonFingerprint/v1";
    nlohmann::json sarif = report::to_sarif(log);
    EXPECT_EQ(sarif["version"], "2.1.0");
    const auto& run = sarif["runs"][0];
    EXPECT_EQ(run["tool"]["driver"]["rules"][0]["id"], "baton-busy-wait");
    const auto& result = run["results"][0];
    EXPECT_EQ(result["ruleId"], "baton-busy-wait");
    EXPECT_EQ(result["ruleIndex"], 0);
    const auto& physical = result["locations"][0]["physicalLocation"];
    EXPECT_EQ(physical["artifactLocation"]["uri"], "dir%20with%20space/m.c");
    EXPECT_EQ(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    EXPECT_EQ(physical["region"]["startLine"], 15);
    EXPECT_EQ(result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"], 26);
    EXPECT_EQ(result["partialFingerprints"]["batonFingerprint/v1"], "0123456789abcdef");
    EXPECT_EQ(result["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
              "while");
    EXPECT_EQ(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], "file:///work/project/");
    EXPECT_EQ(run["invocations"][0]["executionSuccessful"], false);
    EXPECT_EQ(run["invocations"][0]["toolExecutionNotifications"][0]["locations"][0]
                 ["physicalLocation"]["artifactLocation"]["uri"],
              "file:///abs/broken.c");
}

}  // namespace
}  // namespace baton::analyzer
