// Clang-style diagnostics: `file:line:col: warning: message [check-id]`, the source line, a
// caret under the column, fix-it text under it when the fix is on that line, then each note
// the same way. Colours as clang uses them when asked for.
#pragma once

#include <ostream>
#include <vector>

#include "analyzer/source_text.h"
#include "report/finding.h"

namespace baton::analyzer {

void write_text(const std::vector<report::Finding>& findings, SourceText& sources, bool color,
                std::ostream& out);

}  // namespace baton::analyzer
