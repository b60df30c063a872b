// Checks many programs side by side. Each program is a job of at most two child processes,
// one after the other: the build (baton-cc or baton-c++ on its sources, into a temporary
// directory) and the check (`baton check --format json` on the binary). Up to `jobs` programs
// run at once, each child in its own process group under ProcessLimits, and each program
// under one wall-time limit covering both. Whatever a program does -- crash, hang, fork,
// flood its output, exhaust its memory, fail to compile -- ends up in its own row.
//
// Assumes it is the only thing in this process that starts and reaps children while it runs:
// it reaps with waitpid(-1) and kills any child it did not start (orphans it adopted).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cli/grade_report.h"
#include "cli/submissions.h"

namespace baton::cli {

struct GradeSettings {
    std::vector<std::string> check_options;      // for every `baton check`, one argument each
    std::vector<std::string> program_arguments;  // for every program (after `--`)
    unsigned jobs = 1;
    uint64_t memory_limit_mb = 2048;  // address space of each child
    double wall_limit_seconds = 90;   // per program, build and check together
};

// Told of each row as soon as it is known (`done` rows of `total` so far).
using ProgressHandler =
    std::function<void(const SubmissionResult& result, size_t done, size_t total)>;

// Returns false with `error` if grading could not start (no temporary directory), or with
// `interrupted_by` set if SIGINT, SIGTERM or SIGHUP stopped it (every child is gone by then).
bool grade(const std::vector<Submission>& submissions, const GradeSettings& settings,
           const ProgressHandler& progress, std::vector<SubmissionResult>& results,
           int& interrupted_by, std::string& error);

}  // namespace baton::cli
