#include "report/html_report.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "report/markup.h"
#include "report/swimlane.h"

namespace baton::report {
namespace {

// The page's data: the JSON report plus, per finding, its swimlane and the steps' source text.
nlohmann::json page_data(const std::vector<Finding>& findings, const CheckSummary& summary) {
    nlohmann::json data = check_json(findings, summary);
    for (size_t i = 0; i < findings.size(); ++i) {
        nlohmann::json& item = data["findings"][i];
        Swimlane lanes = swimlane(findings[i]);
        item["lanes"] = lanes.threads;
        nlohmann::json rows = nlohmann::json::array();
        for (const Swimlane::Row& row : lanes.rows) {
            const Step& step = *row.step;
            rows.push_back({{"column", row.column},
                            {"action", step_action(step)},
                            {"index", step.index},
                            {"where", step.location.known() ? step.location.file + ":" + std::to_string(step.location.line)
                                                            : ""},
                            {"source", source_line(step.location)},
                            {"note", step.note}});
        }
        item["rows"] = rows;
        item["source"] = source_line(findings[i].location);
    }
    return data;
}

// JSON inside <script>: "</" would end the element early.
std::string script_safe(std::string text) {
    for (size_t at = text.find("</"); at != std::string::npos; at = text.find("</", at + 3)) text.replace(at, 2, "<\\/");
    return text;
}

constexpr const char* kStyle = R"(
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; max-width: 1200px; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
.verdict-bug { color: #b00020; } .verdict-verified, .verdict-no-bug-found { color: #1b7f3b; }
.finding { border: 1px solid #ddd; border-radius: 6px; padding: 1em; margin: 1em 0; }
.kind { font-weight: bold; color: #b00020; }
.story { background: #fff6e0; border-left: 4px solid #e0a000; padding: .5em 1em; }
code, .src { font-family: ui-monospace, monospace; font-size: 12px; }
table.stats td { padding: 0 1em 0 0; }
svg.swimlane text { font-family: ui-monospace, monospace; font-size: 12px; }
svg.swimlane .lane { fill: #f4f6fa; } svg.swimlane .head { font-weight: bold; }
svg.swimlane .step rect { fill: #dbe8ff; stroke: #5b7db8; } svg.swimlane .step:hover rect { fill: #ffe7a8; }
svg.swimlane .pending rect { fill: #ffd9d9; stroke: #b00020; }
svg.swimlane .src { fill: #555; }
)";

// Draws each finding's diagram: a column per thread, a row per step, the step's source line
// beside it and its note and source in a hover title.
constexpr const char* kScript = R"(
(function () {
  const data = JSON.parse(document.getElementById('baton-data').textContent);
  const NS = 'http://www.w3.org/2000/svg';
  function el(name, attrs, text) {
    const node = document.createElementNS(NS, name);
    for (const k in attrs) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  let drawn = 0;
  data.findings.forEach(function (finding, i) {
    const box = document.getElementById('lanes-' + i);
    if (!box || !finding.rows || finding.rows.length === 0) return;
    const col = 230, row = 28, left = 50, top = 30, srcWidth = 420;
    const width = left + col * finding.lanes.length + srcWidth, height = top + row * finding.rows.length + 10;
    const svg = el('svg', {class: 'swimlane', width: width, height: height, viewBox: '0 0 ' + width + ' ' + height});
    finding.lanes.forEach(function (thread, c) {
      svg.appendChild(el('rect', {class: 'lane', x: left + c * col + 4, y: 0, width: col - 8, height: height}));
      svg.appendChild(el('text', {class: 'head', x: left + c * col + 12, y: 18}, 'thread ' + thread));
    });
    finding.rows.forEach(function (step, r) {
      const y = top + r * row;
      svg.appendChild(el('text', {x: 4, y: y + 17}, step.index > 0 ? '#' + step.index : '—'));
      const g = el('g', {class: step.index > 0 ? 'step' : 'step pending', 'data-step': r});
      g.appendChild(el('rect', {x: left + step.column * col + 8, y: y + 2, width: col - 16, height: row - 6, rx: 4}));
      const label = step.action + (step.where ? ' @' + step.where.split(':').pop() : '');
      g.appendChild(el('text', {x: left + step.column * col + 14, y: y + 17}, label.length > 28 ? label.slice(0, 27) + '…' : label));
      g.appendChild(el('title', {}, [step.action, step.where, step.source, step.note].filter(Boolean).join('\n')));
      svg.appendChild(g);
      svg.appendChild(el('text', {class: 'src', x: left + finding.lanes.length * col + 8, y: y + 17},
                          (step.where ? step.where + '  ' : '') + (step.source || '')));
    });
    box.appendChild(svg);
    drawn++;
  });
  document.body.setAttribute('data-rendered', String(drawn));
})();
)";

std::string where(const SourceLocation& location) {
    if (!location.known()) return location.function;
    return location.file + ":" + std::to_string(location.line) +
           (location.function.empty() ? "" : " in " + location.function);
}

}  // namespace

std::string check_html(const std::vector<Finding>& findings, const CheckSummary& summary) {
    std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>baton check " +
                       xml_escape(summary.program) + "</title>\n<style>" + kStyle + "</style></head>\n<body>\n";
    html += "<h1>baton check " + xml_escape(summary.program) + "</h1>\n";
    html += "<p class=\"summary\">verdict: <strong class=\"verdict-" + xml_escape(summary.verdict) + "\">" +
            xml_escape(summary.verdict) + "</strong> — " + std::to_string(findings.size()) + " finding" +
            (findings.size() == 1 ? "" : "s") + "</p>\n";
    for (size_t i = 0; i < findings.size(); ++i) {
        const Finding& finding = findings[i];
        html += "<section class=\"finding\" id=\"finding-" + std::to_string(i + 1) + "\">\n";
        html += "<h2><span class=\"kind\">[" + std::to_string(i + 1) + "] " + xml_escape(finding.kind) + "</span> " +
                xml_escape(finding.message) + "</h2>\n";
        html += "<p>at <code>" + xml_escape(where(finding.location)) + "</code>";
        if (std::string line = source_line(finding.location); !line.empty())
            html += " <code class=\"src\">" + xml_escape(line) + "</code>";
        html += "</p>\n";
        if (!finding.story.empty()) html += "<p class=\"story\">" + xml_escape(finding.story) + "</p>\n";
        if (!finding.steps.empty()) {
            html += "<ol class=\"steps\">\n";
            for (const Step& step : finding.steps)
                html += "<li>thread " + std::to_string(step.thread) + ": <code>" + xml_escape(step_action(step)) +
                        "</code> <small>" + xml_escape(where(step.location)) + "</small>" +
                        (step.note.empty() ? "" : "<br>" + xml_escape(step.note)) + "</li>\n";
            html += "</ol>\n<div class=\"lanes\" id=\"lanes-" + std::to_string(i) + "\"></div>\n";
        }
        for (const ThreadStack& stack : finding.stacks) {
            html += "<p>thread " + std::to_string(stack.thread) + " " + xml_escape(stack.role) + "</p><ul>";
            for (const Frame& frame : stack.frames) html += "<li><code>" + xml_escape(where(frame.location)) + "</code></li>";
            html += "</ul>\n";
        }
        if (!finding.schedule.empty())
            html += "<p>replay: <code>baton replay " + xml_escape(finding.schedule) + "</code></p>\n";
        html += "</section>\n";
    }
    html += "<h2>stats</h2>\n<table class=\"stats\">";
    html += "<tr><td>executions</td><td>" + std::to_string(summary.executions) + "</td></tr>";
    html += "<tr><td>strategy</td><td>" + xml_escape(summary.strategy) + "</td></tr>";
    html += "<tr><td>every interleaving explored</td><td>" + std::string(summary.complete ? "yes" : "no") + "</td></tr>";
    char seconds[32];
    snprintf(seconds, sizeof seconds, "%.1f", summary.seconds);
    html += "<tr><td>seconds</td><td>" + std::string(seconds) + "</td></tr></table>\n";
    html += "<script type=\"application/json\" id=\"baton-data\">" + script_safe(page_data(findings, summary).dump()) +
            "</script>\n<script>" + kScript + "</script>\n</body></html>\n";
    return html;
}

}  // namespace baton::report
