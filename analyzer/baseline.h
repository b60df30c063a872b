// Content-based identity of findings, so a baseline survives edits that move code around.
// A fingerprint hashes the check id, the file, the function, the text of the flagged line
// (whitespace squeezed) and which occurrence of that same combination this is; line numbers
// play no part. A baseline file is an earlier `--format json` or `--format sarif` report.
#pragma once

#include <set>
#include <string>
#include <variant>
#include <vector>

#include "analyzer/source_text.h"
#include "report/finding.h"

namespace baton::analyzer {

// Fills `fingerprint` of every finding (which must be in report order).
void assign_fingerprints(std::vector<report::Finding>& findings, SourceText& sources);

// The fingerprints a baseline file accepts, or the one line saying why it cannot be read.
std::variant<std::set<std::string>, std::string> load_baseline(const std::string& path);

// The SARIF partialFingerprints key baton writes and reads.
extern const char* const kFingerprintKey;

}  // namespace baton::analyzer
