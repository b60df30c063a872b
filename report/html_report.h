// `baton check --html FILE`: one self-contained HTML page (inline CSS, script and SVG; nothing
// fetched from the network) with the summary, each finding with its story and swimlane
// diagram (threads as columns, steps as rows, each step's source line beside it and on
// hover), and the stats. The diagrams are drawn by the page's script from the report's JSON
// embedded in the page; once drawn, <body> carries data-rendered="N" (N diagrams), which the
// browser test checks.
#pragma once

#include <string>
#include <vector>

#include "report/check_report.h"
#include "report/finding.h"

namespace baton::report {

std::string check_html(const std::vector<Finding>& findings, const CheckSummary& summary);

}  // namespace baton::report
