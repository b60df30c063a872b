#include "report/swimlane.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>

namespace baton::report {

Swimlane swimlane(const Finding& finding) {
    Swimlane lanes;
    for (const Step& step : finding.steps)
        if (std::find(lanes.threads.begin(), lanes.threads.end(), step.thread) == lanes.threads.end())
            lanes.threads.push_back(step.thread);
    std::sort(lanes.threads.begin(), lanes.threads.end());
    for (const Step& step : finding.steps) {
        auto column = std::find(lanes.threads.begin(), lanes.threads.end(), step.thread) - lanes.threads.begin();
        lanes.rows.push_back({static_cast<size_t>(column), &step});
    }
    return lanes;
}

std::string step_action(const Step& step) {
    std::string text = step.op;
    if (!step.target.empty()) text += " " + step.target;
    if (step.value) text += fmt::format(" = {}", *step.value);
    return text;
}

namespace {

// Cuts to `width` display columns (counting UTF-8 code points, which is what the text holds).
std::string fit(const std::string& text, size_t width) {
    size_t points = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
        if (++points == width && i + 1 < text.size()) {
            size_t rest = i;
            while (rest + 1 < text.size() && (static_cast<unsigned char>(text[rest + 1]) & 0xC0) == 0x80) ++rest;
            if (rest + 1 < text.size()) return text.substr(0, i) + "…";
        }
    }
    return text + std::string(width > points ? width - points : 0, ' ');
}

}  // namespace

void write_swimlane_text(std::ostream& out, const Finding& finding, size_t width) {
    Swimlane lanes = swimlane(finding);
    if (lanes.rows.empty()) return;
    std::string header = fmt::format("  {:>6} ", "step");
    std::string rule = fmt::format("  {:->6} ", "");
    for (int thread : lanes.threads) {
        header += "| " + fit(fmt::format("thread {}", thread), width) + " ";
        rule += "+" + std::string(width + 2, '-');
    }
    while (header.back() == ' ') header.pop_back();
    fmt::print(out, "{}\n{}\n", header, rule);
    for (const Swimlane::Row& row : lanes.rows) {
        const Step& step = *row.step;
        std::string line = fmt::format("  {:>6} ", step.index > 0 ? std::to_string(step.index) : "-");
        for (size_t column = 0; column < lanes.threads.size(); ++column) {
            std::string cell;
            if (column == row.column) {
                cell = step_action(step);
                if (step.location.line > 0) cell += fmt::format(" @{}", step.location.line);
            }
            line += "| " + fit(cell, width) + " ";
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        fmt::print(out, "{}\n", line);
    }
}

}  // namespace baton::report
