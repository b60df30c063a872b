// NOLINT comments, as clang-tidy reads them: `// NOLINT` or `// NOLINT(check,globs)` on the
// finding's line, `// NOLINTNEXTLINE(...)` on the line before, and `// NOLINTBEGIN(...)` ...
// `// NOLINTEND(...)` around a region. Without a list, every check is suppressed.
#pragma once

#include <string>

#include "analyzer/source_text.h"
#include "report/finding.h"

namespace baton::analyzer {

bool is_suppressed(const report::Finding& finding, SourceText& sources);

// Whether `line` carries `marker` (e.g. "NOLINT") suppressing `check`. Exposed for tests.
bool line_suppresses(const std::string& line, const std::string& marker, const std::string& check);

}  // namespace baton::analyzer
