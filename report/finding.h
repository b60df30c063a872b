// The report model shared by the dynamic checker (`baton check`) and the static analyzer
// (`baton lint`): a Finding is what any writer (text, JSON, SARIF, HTML) renders.
// Plain values only; nothing here knows how a finding was found.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace baton::report {

struct SourceLocation {
    std::string file;  // as the user named it (relative when it was given relative)
    int line = 0;      // 1-based; 0 when unknown
    int column = 0;    // 1-based; 0 when unknown
    std::string function;

    bool known() const { return !file.empty() && line > 0; }
};

// One frame of a call stack, innermost first.
struct Frame {
    SourceLocation location;
    std::string module;  // binary or shared library the code lives in
    uint64_t offset = 0; // code offset inside `module`
};

// A thread's stack at an interesting moment ("thread 2 writes", "thread 1 waits for m").
struct ThreadStack {
    int thread = 0;
    std::string role;
    std::vector<Frame> frames;
};

// A secondary location with its own message (clang's "note:", SARIF's relatedLocations).
struct Note {
    std::string message;
    SourceLocation location;
};

// A source replacement that fixes the finding (clang's fix-it, SARIF's fixes).
struct FixIt {
    SourceLocation begin;
    SourceLocation end;  // exclusive
    std::string replacement;
};

// One step of the interleaving that leads to the finding.
struct Step {
    int thread = 0;
    std::string op;      // "read", "write", "lock", "unlock", "wait", "create", ...
    std::string target;  // variable or object name
    std::optional<int64_t> value;
    SourceLocation location;
    size_t index = 0;    // 1-based position in the execution's trace; 0: not a traced step
                         // (a thread's last, unfinished operation, or an access the runtime saw)
    std::string note;    // why the step matters ("thread 1 is preempted between its read and write")
};

struct Finding {
    std::string kind;  // a finding kind (`data-race`, ...) or a check id (`baton-busy-wait`)
    std::string message;
    SourceLocation location;
    std::vector<Note> notes;
    std::vector<FixIt> fixits;
    std::vector<ThreadStack> stacks;
    std::vector<Step> steps;
    std::string story;     // one sentence on what went wrong in `steps` (report/story.h); may be empty
    std::string schedule;  // path of the schedule file that replays it, when there is one
    std::string found_in;  // which execution showed it ("execution 3: random schedule, seed 2")
    // Stable identity across edits that move code (baselines, SARIF partialFingerprints);
    // empty when the producer computes none.
    std::string fingerprint;
    // The baseline file that accepts this finding (`--baseline`), or empty: an accepted
    // finding is still reported, marked as such, but never fails the run.
    std::string accepted_by;
};

}  // namespace baton::report
