// Content-based identity of lint findings, so a baseline survives edits that move code around.
// A fingerprint hashes the check id, the file, the function, the text of the flagged line
// (whitespace squeezed) and which occurrence of that same combination this is; line numbers
// play no part. Reading baseline files is shared with `baton check` (report/baseline.h).
#pragma once

#include <string>
#include <vector>

#include "analyzer/source_text.h"
#include "report/baseline.h"
#include "report/finding.h"

namespace baton::analyzer {

// Fills `fingerprint` of every finding (which must be in report order).
void assign_fingerprints(std::vector<report::Finding>& findings, SourceText& sources);

using report::kFingerprintKey;
using report::load_baseline;

}  // namespace baton::analyzer
