// SARIF 2.1.0 form of the report model (OASIS Static Analysis Results Interchange Format), as
// code-scanning services ingest it: one run, the tool's rules, one result per finding with its
// primary location, notes as relatedLocations, fix-its as fixes, and the finding's fingerprint
// under partialFingerprints. Relative paths resolve against %SRCROOT% (the base directory).
// A finding with an interleaving (steps, or the stacks of the threads involved) gets one
// codeFlow with one threadFlow per thread, so code-scanning viewers show who did what when.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/finding.h"

namespace baton::report {

struct SarifRule {
    std::string id;
    std::string summary;        // shortDescription
    std::string help_markdown;  // help: what it means and how to fix it
    std::string level = "warning";  // SARIF level of its results: error, warning or note
};

struct SarifLog {
    std::string tool_name = "baton";
    std::string tool_version;
    std::string information_uri;
    std::vector<SarifRule> rules;
    std::vector<Finding> findings;       // `kind` is the rule id
    std::vector<std::string> failed_files;  // inputs that did not compile, so were not analyzed
    // Other inputs the tool could not analyze: why (`message`) and which (`location.file`).
    std::vector<Note> unanalyzed;
    std::string base_directory;          // absolute; relative file names are below it
    std::string fingerprint_key;         // partialFingerprints key for Finding::fingerprint
    // A baseline was applied: results say whether they are new or were already accepted
    // (baselineState), and accepted ones carry an external suppression.
    bool compared_to_baseline = false;
};

nlohmann::json to_sarif(const SarifLog& log);

// `file://` URI of an absolute path, percent-encoding what RFC 3986 does not allow.
std::string file_uri(const std::string& absolute_path);

}  // namespace baton::report
