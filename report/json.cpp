#include "report/json.h"

namespace baton::report {

nlohmann::json to_json(const SourceLocation& location) {
    nlohmann::json out = nlohmann::json::object();
    if (!location.file.empty()) out["file"] = location.file;
    if (location.line > 0) out["line"] = location.line;
    if (location.column > 0) out["column"] = location.column;
    if (!location.function.empty()) out["function"] = location.function;
    return out;
}

static nlohmann::json to_json(const ThreadStack& stack) {
    nlohmann::json frames = nlohmann::json::array();
    for (const Frame& frame : stack.frames) frames.push_back(to_json(frame.location));
    return {{"thread", stack.thread}, {"role", stack.role}, {"frames", frames}};
}

static nlohmann::json to_json(const Step& step) {
    nlohmann::json out = {{"thread", step.thread}, {"op", step.op}};
    if (!step.target.empty()) out["target"] = step.target;
    if (step.value) out["value"] = *step.value;
    out["location"] = to_json(step.location);
    if (step.index > 0) out["index"] = step.index;
    if (!step.note.empty()) out["note"] = step.note;
    return out;
}

nlohmann::json to_json(const Finding& finding) {
    nlohmann::json out = {{"kind", finding.kind},
                          {"message", finding.message},
                          {"location", to_json(finding.location)}};
    if (!finding.schedule.empty()) out["schedule"] = finding.schedule;
    if (!finding.story.empty()) out["story"] = finding.story;
    if (!finding.steps.empty()) {
        out["steps"] = nlohmann::json::array();
        for (const Step& step : finding.steps) out["steps"].push_back(to_json(step));
    }
    if (!finding.stacks.empty()) {
        out["stacks"] = nlohmann::json::array();
        for (const ThreadStack& stack : finding.stacks) out["stacks"].push_back(to_json(stack));
    }
    if (!finding.notes.empty()) {
        out["notes"] = nlohmann::json::array();
        for (const Note& note : finding.notes)
            out["notes"].push_back({{"message", note.message}, {"location", to_json(note.location)}});
    }
    return out;
}

namespace {

std::string text(const nlohmann::json& json, const char* key) {
    auto it = json.find(key);
    return it != json.end() && it->is_string() ? it->get<std::string>() : "";
}

template <typename Number>
Number number(const nlohmann::json& json, const char* key) {
    auto it = json.find(key);
    return it != json.end() && it->is_number() ? it->get<Number>() : Number{};
}

// The objects of json[key], or none.
std::vector<nlohmann::json> objects(const nlohmann::json& json, const char* key) {
    std::vector<nlohmann::json> out;
    auto it = json.find(key);
    if (it == json.end() || !it->is_array()) return out;
    for (const nlohmann::json& item : *it)
        if (item.is_object()) out.push_back(item);
    return out;
}

const nlohmann::json& member(const nlohmann::json& json, const char* key) {
    static const nlohmann::json none = nlohmann::json::object();
    auto it = json.find(key);
    return it != json.end() && it->is_object() ? *it : none;
}

}  // namespace

SourceLocation location_from_json(const nlohmann::json& json) {
    if (!json.is_object()) return {};
    return {text(json, "file"), number<int>(json, "line"), number<int>(json, "column"), text(json, "function")};
}

Finding finding_from_json(const nlohmann::json& json) {
    Finding finding;
    if (!json.is_object()) return finding;
    finding.kind = text(json, "kind");
    finding.message = text(json, "message");
    finding.location = location_from_json(member(json, "location"));
    finding.schedule = text(json, "schedule");
    finding.story = text(json, "story");
    finding.found_in = text(json, "found_in");
    finding.fingerprint = text(json, "fingerprint");
    finding.accepted_by = text(json, "accepted_by");
    for (const nlohmann::json& item : objects(json, "steps")) {
        Step step;
        step.thread = number<int>(item, "thread");
        step.op = text(item, "op");
        step.target = text(item, "target");
        if (auto it = item.find("value"); it != item.end() && it->is_number_integer()) step.value = it->get<int64_t>();
        step.location = location_from_json(member(item, "location"));
        step.index = number<size_t>(item, "index");
        step.note = text(item, "note");
        finding.steps.push_back(std::move(step));
    }
    for (const nlohmann::json& item : objects(json, "stacks")) {
        ThreadStack stack{number<int>(item, "thread"), text(item, "role"), {}};
        for (const nlohmann::json& frame : objects(item, "frames"))
            stack.frames.push_back({location_from_json(frame), "", 0});
        finding.stacks.push_back(std::move(stack));
    }
    for (const nlohmann::json& item : objects(json, "notes"))
        finding.notes.push_back({text(item, "message"), location_from_json(member(item, "location"))});
    return finding;
}

}  // namespace baton::report
