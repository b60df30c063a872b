// An execution's steps as the explorer reads them back (scheduler/trace_format.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/schedule.h"
#include "scheduler/strategy.h"

namespace baton::scheduler {

struct TraceStep {
    Choice choice;
    Operation op;
    uint64_t pc = 0;
    std::optional<uint64_t> value;
    std::vector<Option> options;  // what could have happened instead (this one included)
};

struct PendingOperation {
    ThreadId thread = 0;
    Operation op;
    uint64_t pc = 0;
    // Which options the thread had at the scheduling point the execution ended at (none when
    // it ended elsewhere): a thread with no Run option is blocked.
    uint8_t options = 0;
    bool can(Option::Kind kind) const { return options & (1u << static_cast<unsigned>(kind)); }
};

struct Trace {
    std::vector<TraceStep> steps;
    std::vector<PendingOperation> pending;  // unfinished threads' next operations at the end
    bool truncated = false;                 // longer than the recording limit

    std::vector<Choice> choices() const;
};

// Returns false (with `error`) for bytes that are not a trace.
bool parse_trace(std::string_view bytes, Trace& trace, std::string& error);

}  // namespace baton::scheduler
