// The binary trace an execution writes when the explorer asks for one (BATON_TRACE_FD): every
// step with the options it had, then the operation each unfinished thread was about to do.
// Written by runtime/trace_recorder.cpp, read by scheduler/trace.cpp; both sides are the same
// build of baton, so the layout is simply these structs, each after a one-byte tag.
#pragma once

#include <cstdint>

namespace baton::trace_format {

constexpr char kMagic[8] = {'B', 'A', 'T', 'O', 'N', 'T', 'R', '1'};

enum Tag : uint8_t {
    kStep = 'S',       // StepRecord, then option_count OptionRecords
    kPending = 'P',    // PendingRecord: a thread's operation when the execution ended
    kTruncated = 'T',  // the trace outgrew its limit here; nothing follows
};

struct StepRecord {
    uint32_t thread;     // who took the step
    uint8_t choice;      // scheduler::Option::Kind
    uint8_t op;          // scheduler::OpKind
    uint16_t option_count;
    uint64_t object;
    uint64_t pc;         // program counter of the operation's call
    uint64_t value;      // value read or written, when has_value
    uint32_t has_value;
    uint32_t reserved;
};

struct OptionRecord {
    uint32_t thread;
    uint8_t choice;
    uint8_t op;
    uint16_t reserved;
    uint64_t object;
};

struct PendingRecord {
    uint32_t thread;
    uint8_t op;
    uint8_t options;  // bit (1 << Option::Kind) set: the thread had that option when it ended
    uint8_t reserved[2];
    uint64_t object;
    uint64_t pc;
};

}  // namespace baton::trace_format
