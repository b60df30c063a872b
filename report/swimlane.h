// A finding's steps (Finding::steps) laid out as swimlanes: one column per thread, one row per
// step, in execution order. The text report (`--trace`) and the HTML report draw the same lanes.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "report/finding.h"

namespace baton::report {

struct Swimlane {
    std::vector<int> threads;  // the columns, by thread id
    struct Row {
        size_t column = 0;     // index into `threads`
        const Step* step = nullptr;
    };
    std::vector<Row> rows;
};

// Valid while `finding` is.
Swimlane swimlane(const Finding& finding);

// "write mails = 28": the operation, its target and value, as a lane's cell shows it.
std::string step_action(const Step& step);

// Columns `width` characters wide; a cell longer than that is cut with "…".
void write_swimlane_text(std::ostream& out, const Finding& finding, size_t width = 30);

}  // namespace baton::report
