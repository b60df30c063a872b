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

}  // namespace baton::report
