#include "runtime/trace_recorder.h"

#include <unistd.h>

#include <atomic>
#include <cstring>

#include "runtime/race_detector.h"
#include "runtime/server.h"
#include "scheduler/trace_format.h"

namespace baton::rt {

namespace tf = trace_format;

void TraceRecorder::open(int fd, uint64_t step_limit) {
    fd_ = fd;
    step_limit_ = step_limit;
    committed_ = 0;
    if (fd_ >= 0) {
        buffer_.reserve(1 << 16);
        append(tf::kMagic, sizeof tf::kMagic);
        commit();
    }
}

void TraceRecorder::commit() {
    std::atomic_signal_fence(std::memory_order_seq_cst);  // the bytes before the count
    committed_ = buffer_.size();
}

void TraceRecorder::append(const void* data, size_t size) {
    auto* bytes = static_cast<const uint8_t*>(data);
    buffer_.insert(buffer_.end(), bytes, bytes + size);
}

void TraceRecorder::step(const scheduler::Option& chosen, uintptr_t pc,
                         std::span<const scheduler::Option> options) {
    if (fd_ < 0 || truncated_) return;
    if (++steps_ > step_limit_) {
        uint8_t tag = tf::kTruncated;
        append(&tag, 1);
        commit();
        truncated_ = true;
        return;
    }
    uint8_t tag = tf::kStep;
    append(&tag, 1);
    tf::StepRecord record{};
    record.thread = chosen.thread;
    record.choice = static_cast<uint8_t>(chosen.kind);
    record.op = static_cast<uint8_t>(chosen.op.kind);
    record.option_count = static_cast<uint16_t>(options.size());
    record.object = chosen.op.object;
    record.pc = pc;
    last_step_ = buffer_.size();
    append(&record, sizeof record);
    for (const scheduler::Option& option : options) {
        tf::OptionRecord item{};
        item.thread = option.thread;
        item.choice = static_cast<uint8_t>(option.kind);
        item.op = static_cast<uint8_t>(option.op.kind);
        item.object = option.op.object;
        append(&item, sizeof item);
    }
    commit();
}

void TraceRecorder::value(uint64_t value) {
    if (fd_ < 0 || truncated_ || last_step_ == SIZE_MAX) return;
    tf::StepRecord record;
    memcpy(&record, buffer_.data() + last_step_, sizeof record);
    record.value = value;
    record.has_value = 1;
    memcpy(buffer_.data() + last_step_, &record, sizeof record);
}

void TraceRecorder::pending(uint32_t thread, const scheduler::Operation& op, uintptr_t pc,
                            uint8_t options, bool may_grow) {
    if (fd_ < 0 || truncated_) return;
    if (!may_grow && buffer_.capacity() - buffer_.size() < 1 + sizeof(tf::PendingRecord)) return;
    uint8_t tag = tf::kPending;
    append(&tag, 1);
    tf::PendingRecord record{};
    record.thread = thread;
    record.op = static_cast<uint8_t>(op.kind);
    record.object = op.object;
    record.pc = pc;
    record.options = options;
    append(&record, sizeof record);
    commit();
}

void TraceRecorder::flush(bool exact) {
    if (fd_ < 0) return;
    const size_t size = committed_;
    if (!exact && store_trace(buffer_.data(), size)) {
        written_ = size;
        fd_ = -1;
        return;
    }
    const uint8_t* data = buffer_.data();
    size_t left = size;
    while (left > 0) {
        ssize_t n = pwrite(fd_, data, left, static_cast<off_t>(written_));
        if (n <= 0) break;
        data += n;
        written_ += static_cast<uint64_t>(n);
        left -= static_cast<size_t>(n);
    }
    if (exact) ftruncate(fd_, static_cast<off_t>(written_));
    fd_ = -1;  // written once; the descriptor stays open for the next execution (server mode)
}

}  // namespace baton::rt
