// docs/check.md's table of the JSON report's fields against `baton check --format json` on
// race.c: every field the output has is in the table, and every field in the table is in the
// output (a second run with a baseline brings accepted_by), so the docs cannot drift from
// what check emits.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "e2e_support.h"

namespace fs = std::filesystem;
using baton::e2e::baton_binary;
using baton::e2e::run_command;
using baton::e2e::TempDir;

namespace {

const std::set<std::string> kLocationFields = {"file", "line", "column", "function"};

// The field paths of `value` as the table writes them ("findings[].steps[].index"). A location
// (any "location", and a stack's frames) is one field of its own: its members are checked
// against kLocationFields.
void collect(const nlohmann::json& value, const std::string& path, std::set<std::string>& paths,
             std::set<std::string>& location_fields) {
    bool location = path == "location" || path.ends_with(".location") || path.ends_with("frames[]");
    if (value.is_object()) {
        for (const auto& [key, member] : value.items()) {
            if (location) {
                location_fields.insert(key);
                continue;
            }
            std::string child = path.empty() ? key : path + "." + key;
            paths.insert(child);
            collect(member, child, paths, location_fields);
        }
    } else if (value.is_array() && !value.empty() && value[0].is_object()) {
        paths.erase(path);
        paths.insert(path + "[]");
        for (const nlohmann::json& item : value) collect(item, path + "[]", paths, location_fields);
    }
}

// The fields the table under "### Every field" lists.
std::set<std::string> documented_fields() {
    std::ifstream doc(baton::e2e::source_path("docs/check.md"));
    std::set<std::string> fields;
    bool in_table = false;
    std::regex row(R"(^\| `([^`]+)` \|)");
    for (std::string line; std::getline(doc, line);) {
        if (line.rfind("### Every field", 0) == 0) in_table = true;
        else if (in_table && line.rfind("#", 0) == 0) break;
        std::smatch match;
        if (in_table && std::regex_search(line, match, row)) fields.insert(match[1]);
    }
    return fields;
}

std::string joined(const std::set<std::string>& names) {
    std::string out;
    for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
}

TEST(JsonFields, DocumentedAreEmitted) {
    std::set<std::string> documented = documented_fields();
    ASSERT_GT(documented.size(), 20u) << "docs/check.md has no table of fields under '### Every field'";

    TempDir directory;
    std::string program = directory.file("race.c");
    fs::copy_file(baton::e2e::source_path("testcases/seeds/race.c"), program);
    std::string baseline = directory.file("baseline.json");
    std::set<std::string> emitted, location_fields;
    for (bool with_baseline : {false, true}) {
        std::vector<std::string> command = {baton_binary("baton"), "check", "--format", "json", "--time-limit", "3"};
        if (with_baseline) command.insert(command.end(), {"--baseline", baseline});
        else command.insert(command.end(), {"--write-baseline", baseline});
        command.push_back(program);
        auto result = run_command(command, directory.path());
        ASSERT_EQ(result.status, with_baseline ? 0 : 1) << result.err;
        nlohmann::json report = nlohmann::json::parse(result.out, nullptr, false);
        ASSERT_TRUE(report.is_object()) << result.out;
        collect(report, "", emitted, location_fields);
    }

    std::set<std::string> undocumented, missing, unknown_location;
    for (const std::string& field : emitted)
        if (!documented.count(field)) undocumented.insert(field);
    for (const std::string& field : documented)
        if (!emitted.count(field)) missing.insert(field);
    for (const std::string& field : location_fields)
        if (!kLocationFields.count(field)) unknown_location.insert(field);
    EXPECT_TRUE(undocumented.empty()) << "emitted but not in docs/check.md: " << joined(undocumented);
    EXPECT_TRUE(missing.empty()) << "in docs/check.md but not emitted on race.c: " << joined(missing);
    EXPECT_TRUE(unknown_location.empty()) << "location fields docs/check.md does not name: " << joined(unknown_location);
    EXPECT_EQ(location_fields, kLocationFields) << "race.c's locations have " << joined(location_fields);
}

}  // namespace
