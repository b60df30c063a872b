#include "scheduler/trace.h"

#include <cstring>

#include "scheduler/trace_format.h"

namespace baton::scheduler {

namespace tf = trace_format;

std::vector<Choice> Trace::choices() const {
    std::vector<Choice> result;
    result.reserve(steps.size());
    for (const TraceStep& step : steps) result.push_back(step.choice);
    return result;
}

namespace {

template <class T>
bool take(std::string_view& bytes, T& value) {
    if (bytes.size() < sizeof value) return false;
    memcpy(&value, bytes.data(), sizeof value);
    bytes.remove_prefix(sizeof value);
    return true;
}

bool valid_kind(uint8_t kind) { return kind <= static_cast<uint8_t>(Option::Kind::Timeout); }
bool valid_op(uint8_t op) { return op < static_cast<uint8_t>(OpKind::kCount); }

}  // namespace

bool parse_trace(std::string_view bytes, Trace& trace, std::string& error) {
    trace = Trace{};
    if (bytes.size() < sizeof tf::kMagic || memcmp(bytes.data(), tf::kMagic, sizeof tf::kMagic) != 0) {
        error = bytes.empty() ? "the execution wrote no trace" : "the trace does not start with its magic";
        return false;
    }
    bytes.remove_prefix(sizeof tf::kMagic);
    while (!bytes.empty()) {
        uint8_t tag = 0;
        take(bytes, tag);
        if (tag == tf::kStep) {
            tf::StepRecord record;
            if (!take(bytes, record) || !valid_kind(record.choice) || !valid_op(record.op)) break;
            TraceStep step;
            step.choice = {record.thread, static_cast<Option::Kind>(record.choice)};
            step.op = {static_cast<OpKind>(record.op), record.object};
            step.pc = record.pc;
            if (record.has_value) step.value = record.value;
            for (uint16_t i = 0; i < record.option_count; ++i) {
                tf::OptionRecord item;
                if (!take(bytes, item) || !valid_kind(item.choice) || !valid_op(item.op)) {
                    error = "the trace ends inside a step";
                    return false;
                }
                step.options.push_back({item.thread, static_cast<Option::Kind>(item.choice),
                                        {static_cast<OpKind>(item.op), item.object}});
            }
            trace.steps.push_back(std::move(step));
        } else if (tag == tf::kPending) {
            tf::PendingRecord record;
            if (!take(bytes, record) || !valid_op(record.op)) break;
            trace.pending.push_back({record.thread, {static_cast<OpKind>(record.op), record.object}, record.pc,
                                     record.options});
        } else if (tag == tf::kTruncated) {
            trace.truncated = true;
            return true;
        } else {
            error = "unknown record in the trace";
            return false;
        }
    }
    if (!bytes.empty()) {
        error = "the trace ends inside a record";
        return false;
    }
    return true;
}

}  // namespace baton::scheduler
