// Baselines: the findings a project has accepted, recorded as an earlier `--format json` or
// `--format sarif` report, so that only new findings fail a run (`baton lint --baseline`,
// `baton check --baseline`). Findings are matched by fingerprint, never by line number; each
// producer computes its own fingerprints (analyzer/baseline.h for lint, check_fingerprint
// below for check) from content that survives edits which move code around.
#pragma once

#include <set>
#include <string>
#include <variant>

#include "report/finding.h"

namespace baton::report {

// The SARIF partialFingerprints key baton writes and reads.
extern const char* const kFingerprintKey;

// A stable 16-hex-digit hash of `content` (FNV-1a, 64 bits: the same on every platform and
// version, which std::hash is not).
std::string fingerprint_hash(const std::string& content);

// `message` with the numbers that change from run to run taken out: thread ids, values,
// addresses, execution numbers and line numbers all become '#'. Digits inside a name
// ('buf2') stay, so two variables do not merge.
std::string normalized_message(const std::string& message);

// The fingerprint of a `baton check` finding: its kind, file, function and normalized
// message, so the same bug matches across runs, schedules and edits elsewhere in the file.
std::string check_fingerprint(const Finding& finding);

// The fingerprints a baseline file accepts, or the one line saying why it cannot be read.
std::variant<std::set<std::string>, std::string> load_baseline(const std::string& path);

}  // namespace baton::report
