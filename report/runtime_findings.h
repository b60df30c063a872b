// Turns the records one execution sent (scheduler/protocol.h, runtime/report_channel.h) into
// findings a person can read: variables and objects by name, stacks as source lines, values
// as numbers, and a one-sentence message.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/finding.h"
#include "report/symbolizer.h"

namespace baton::report {

struct KeyedFinding {
    std::string key;  // equal keys: the same bug (for deduplication across executions)
    Finding finding;
};

class RuntimeFindings {
public:
    explicit RuntimeFindings(Symbolizer& symbolizer) : symbolizer_(symbolizer) {}

    // With `sources`, also the record each finding came from (report/story.h reads it).
    std::vector<KeyedFinding> convert(const std::vector<nlohmann::json>& records,
                                      std::vector<nlohmann::json>* sources = nullptr);
    // A global's name ('mails', 'table+8'), or its address; valid after convert().
    std::string object_name(uint64_t address);

private:
    KeyedFinding data_race(const nlohmann::json& record);
    KeyedFinding no_progress(const nlohmann::json& record);
    KeyedFinding lock_misuse(const nlohmann::json& record);
    KeyedFinding assertion_failure(const nlohmann::json& record);
    KeyedFinding crash(const nlohmann::json& record);
    KeyedFinding nontermination(const nlohmann::json& record);

    std::vector<Frame> stack(const nlohmann::json& pcs);
    std::string variable_name(uint64_t address, const nlohmann::json& heap);
    void add_creation_notes(const nlohmann::json& record, Finding& finding);

    Symbolizer& symbolizer_;
};

// A value of `size` bytes as the program would print it with %d (sign-extended).
int64_t signed_value(uint64_t raw, uint64_t size);

// `text` with every `from` replaced by `to` (the records' "{object}" placeholders).
std::string replace_all(std::string text, const std::string& from, const std::string& to);

}  // namespace baton::report
