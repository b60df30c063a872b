#include "cli/trace_text.h"

#include <algorithm>

#include <fmt/format.h>

namespace baton::cli {

void TargetNames::learn(const std::vector<nlohmann::json>& records) {
    for (const nlohmann::json& record : records) {
        if (record.value("rec", "") != "finding" || record.value("kind", "") != "data-race") continue;
        uint64_t address = record.value("address", uint64_t{0});
        racy_address_.emplace(address & ~uint64_t{7}, address);
    }
}

std::string TargetNames::granule_name(uint64_t granule) {
    auto racy = racy_address_.find(granule);
    return names_.object_name(racy == racy_address_.end() ? granule : racy->second);
}

std::string TargetNames::operator()(const scheduler::Operation& op) {
    if (op.object == 0) return "-";
    if (op.object <= scheduler::kMaxThreadObject) return fmt::format("thread {}", op.object - 1);
    if (op.kind == scheduler::OpKind::PlainRead || op.kind == scheduler::OpKind::PlainWrite)
        return granule_name(op.object);
    return names_.object_name(op.object);
}

std::string location_text(const report::SourceLocation& location) {
    if (!location.known()) return location.function.empty() ? "-" : location.function;
    std::string text = fmt::format("{}:{}", location.file, location.line);
    if (!location.function.empty()) text += " (" + location.function + ")";
    return text;
}

std::string operation_text(const scheduler::TraceStep& step) {
    std::string op = scheduler::op_name(step.op.kind);
    if (step.choice.kind == scheduler::Option::Kind::Timeout) op += " (timeout)";
    if (step.choice.kind == scheduler::Option::Kind::SpuriousWakeup) op += " (spurious)";
    return op;
}

void print_trace_header() {
    fmt::print("{:>6}  {:>6}  {:<15} {:<22} {:>12}  {}\n", "step", "thread", "operation", "target",
               "value", "location");
}

void print_trace_step(const scheduler::Trace& trace, size_t index, report::Symbolizer& symbolizer,
                      TargetNames& targets) {
    const scheduler::TraceStep& step = trace.steps[index];
    std::string value = step.value ? std::to_string(static_cast<int64_t>(*step.value)) : "";
    std::string location = step.pc ? location_text(symbolizer.frame(step.pc).location) : "-";
    fmt::print("{:>6}  {:>6}  {:<15} {:<22} {:>12}  {}\n", index + 1, step.choice.thread,
               operation_text(step), targets(step.op), value, location);
}

void print_trace(const scheduler::Trace& trace, report::Symbolizer& symbolizer, TargetNames& targets,
                 size_t first, size_t shown_at_most) {
    print_trace_header();
    size_t end = trace.steps.size();
    size_t left_out_from = end, left_out_to = end;  // [from, to): not printed
    if (shown_at_most > 0 && end - std::min(first, end) > shown_at_most) {
        left_out_from = first + shown_at_most / 2;
        left_out_to = end - (shown_at_most - shown_at_most / 2);
    }
    for (size_t i = first; i < end; ++i) {
        if (i == left_out_from) {
            fmt::print("  ... steps {}-{} not shown ({} steps; --all-steps prints them)\n", left_out_from + 1,
                       left_out_to, left_out_to - left_out_from);
            i = left_out_to - 1;
            continue;
        }
        print_trace_step(trace, i, symbolizer, targets);
    }
    if (trace.truncated) fmt::print("  ... (the trace is longer than baton records)\n");
}

}  // namespace baton::cli
