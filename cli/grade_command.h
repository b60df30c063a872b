// `baton check` over many programs at once (grading): one row per program, checked in
// parallel under limits. See docs/grading.md.
#pragma once

namespace baton::cli {

// Whether these `check` arguments (argv[0] is "check") ask for grading rather than one
// check: more than one program before `--`, a directory, or an option only grading has
// (--jobs, --shard, --memory-limit, --compile-allowance, --format jsonl|csv). A single
// file with check's own options stays a plain `baton check`, exactly as before.
bool wants_grading(int argc, char** argv);

// Takes the same arguments; returns 0 (no program had findings), 1 (some program had
// findings or could not be checked) or 2 (usage error: nothing ran).
int grade_main(int argc, char** argv);

}  // namespace baton::cli
