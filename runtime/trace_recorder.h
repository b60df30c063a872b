// Records the execution's steps for the explorer (scheduler/trace_format.h), in memory, and
// writes them out when the execution ends -- also when it crashes, so only async-signal-safe
// calls are made on the way out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "scheduler/strategy.h"

namespace baton::rt {

class TraceRecorder {
public:
    // `fd` < 0: recording is off and every call is a no-op.
    void open(int fd, uint64_t step_limit);
    bool enabled() const { return fd_ >= 0; }

    void step(const scheduler::Option& chosen, uintptr_t pc,
              std::span<const scheduler::Option> options);
    // The value the current step read or wrote (atomics).
    void value(uint64_t value);
    // `options`: bit (1 << Option::Kind) for each option the thread has (trace_format.h).
    // Without `may_grow`, left out if the buffer has no room for it.
    void pending(uint32_t thread, const scheduler::Operation& op, uintptr_t pc, uint8_t options,
                 bool may_grow = true);
    // Hands what was recorded to a server's parent in the channel (runtime/server.h), or
    // writes it at the start of the file (which a server's parent reuses: it may hold a
    // longer trace of an earlier execution), and stops recording; later calls do nothing. `exact`: also cut the file to the trace's size, for a parent that will not
    // learn the size from the end of the execution (a crash).
    void flush(bool exact = false);
    // Bytes written by flush (0: none).
    uint64_t written() const { return written_; }

private:
    void append(const void* data, size_t size);
    // The records so far are whole: a crash or the watchdog may interrupt the next one's
    // appending, and flush writes only up to here.
    void commit();

    int fd_ = -1;
    uint64_t steps_ = 0;
    uint64_t step_limit_ = 0;
    bool truncated_ = false;
    size_t last_step_ = SIZE_MAX;  // offset of the last StepRecord in buffer_
    uint64_t written_ = 0;
    std::vector<uint8_t> buffer_;
    volatile size_t committed_ = 0;  // bytes of buffer_ that hold whole records
};

}  // namespace baton::rt
