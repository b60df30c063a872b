#include "report/runtime_findings.h"

#include <fmt/format.h>

#include <algorithm>

namespace baton::report {
namespace {

using nlohmann::json;

uint64_t number(const json& record, const char* key) {
    auto it = record.find(key);
    return it != record.end() && it->is_number() ? it->get<uint64_t>() : 0;
}

std::string text(const json& record, const char* key) {
    auto it = record.find(key);
    return it != record.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string where(const Frame& frame) {
    if (!frame.location.known()) return frame.location.function.empty() ? "?" : frame.location.function;
    return fmt::format("{}:{}", frame.location.file, frame.location.line);
}

SourceLocation top(const std::vector<Frame>& frames) {
    return frames.empty() ? SourceLocation{} : frames.front().location;
}

}  // namespace

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

int64_t signed_value(uint64_t raw, uint64_t size) {
    if (size == 0 || size >= 8) return static_cast<int64_t>(raw);
    uint64_t bits = size * 8;
    uint64_t mask = (uint64_t{1} << bits) - 1;
    raw &= mask;
    if (raw & (uint64_t{1} << (bits - 1))) return static_cast<int64_t>(raw | ~mask);
    return static_cast<int64_t>(raw);
}

std::vector<KeyedFinding> RuntimeFindings::convert(const std::vector<json>& records,
                                                   std::vector<json>* sources) {
    std::vector<Module> modules;
    for (const json& record : records)
        if (text(record, "rec") == "module") modules.push_back({text(record, "path"), number(record, "base")});
    symbolizer_.set_modules(std::move(modules));

    std::vector<KeyedFinding> findings;
    for (const json& record : records) {
        if (text(record, "rec") != "finding") continue;
        std::string kind = text(record, "kind");
        if (kind == "data-race") findings.push_back(data_race(record));
        else if (kind == "deadlock" || kind == "livelock") findings.push_back(no_progress(record));
        else if (kind == "lock-misuse") findings.push_back(lock_misuse(record));
        else if (kind == "assertion-failure") findings.push_back(assertion_failure(record));
        else if (kind == "crash") findings.push_back(crash(record));
        else if (kind == "nontermination") findings.push_back(nontermination(record));
        else continue;
        if (sources) sources->push_back(record);
    }
    return findings;
}

std::vector<Frame> RuntimeFindings::stack(const json& pcs) {
    std::vector<uint64_t> values;
    if (pcs.is_array())
        for (const json& pc : pcs)
            if (pc.is_number()) values.push_back(pc.get<uint64_t>());
    return symbolizer_.program_frames(values);
}

std::string RuntimeFindings::variable_name(uint64_t address, const json& heap) {
    if (auto symbol = symbolizer_.data(address)) {
        if (address == symbol->start) return symbol->name;
        return fmt::format("{}+{}", symbol->name, address - symbol->start);
    }
    if (heap.is_object()) {
        std::vector<Frame> site = stack(heap["stack"]);
        return fmt::format("heap block of {} bytes (offset {}) allocated by thread {} at {}",
                           number(heap, "size"), address - number(heap, "base"),
                           number(heap, "thread"), site.empty() ? "?" : where(site.front()));
    }
    return fmt::format("memory at {:#x}", address);
}

std::string RuntimeFindings::object_name(uint64_t address) {
    if (auto symbol = symbolizer_.data(address)) {
        if (address == symbol->start) return fmt::format("'{}'", symbol->name);
        return fmt::format("'{}+{}'", symbol->name, address - symbol->start);
    }
    return fmt::format("at {:#x}", address);
}

void RuntimeFindings::add_creation_notes(const json& record, Finding& finding) {
    auto created = record.find("created");
    if (created == record.end() || !created->is_array()) return;
    for (const json& site : *created) {
        if (!site.contains("parent")) continue;  // the main thread
        std::vector<Frame> frames = stack(json::array({site["pc"]}));
        if (frames.empty() || !frames.front().location.known()) continue;
        finding.notes.push_back({fmt::format("thread {} was created here by thread {}",
                                             number(site, "thread"), number(site, "parent")),
                                 frames.front().location});
    }
}

KeyedFinding RuntimeFindings::data_race(const json& record) {
    const json& current = record["current"];
    const json& previous = record["previous"];
    uint64_t address = number(record, "address");
    uint64_t size = number(record, "size");
    std::string variable = variable_name(address, record.contains("heap") ? record["heap"] : json());
    auto access_word = [](const json& access, bool present) {
        bool write = access.value("write", false);
        return present ? (write ? "writes" : "reads") : (write ? "wrote" : "read");
    };
    Finding finding;
    finding.kind = "data-race";
    uint64_t current_thread = number(current, "thread"), previous_thread = number(previous, "thread");
    finding.message = fmt::format("data race on '{}': thread {} {} while thread {} {}", variable,
                                  current_thread, access_word(current, true), previous_thread,
                                  access_word(previous, true));
    std::vector<Frame> current_frames = stack(current["stack"]);
    std::vector<Frame> previous_frames = stack(previous["stack"]);
    finding.location = top(current_frames);
    auto describe = [&](const json& access, bool present) {
        std::string role = fmt::format("{} {}", access_word(access, present), variable);
        if (access.contains("value"))
            role += fmt::format(" = {}", signed_value(number(access, "value"), size));
        if (access.value("atomic", false)) role += " (atomically)";
        return role;
    };
    finding.stacks.push_back({static_cast<int>(current_thread), describe(current, true), current_frames});
    finding.stacks.push_back({static_cast<int>(previous_thread),
                              describe(previous, false) + ", with nothing ordering it before",
                              previous_frames});
    for (auto [access, frames] : {std::pair{&previous, &previous_frames}, {&current, &current_frames}}) {
        Step step;
        step.thread = static_cast<int>(number(*access, "thread"));
        step.op = access->value("write", false) ? "write" : "read";
        step.target = variable;
        if (access->contains("value")) step.value = signed_value(number(*access, "value"), size);
        step.location = top(*frames);
        finding.steps.push_back(step);
    }
    add_creation_notes(record, finding);
    std::string a = where(current_frames.empty() ? Frame{} : current_frames.front());
    std::string b = where(previous_frames.empty() ? Frame{} : previous_frames.front());
    if (b < a) std::swap(a, b);
    // Races on different elements of one array by the same code are one bug.
    std::string whole = variable.substr(0, variable.find('+'));
    return {fmt::format("data-race|{}|{}|{}", whole, a, b), finding};
}

KeyedFinding RuntimeFindings::no_progress(const json& record) {
    Finding finding;
    finding.kind = text(record, "kind");
    bool livelock = finding.kind == "livelock";
    std::vector<std::string> parts, sites;
    std::string spin_part;
    for (const json& thread : record["threads"]) {
        int id = static_cast<int>(number(thread, "thread"));
        std::vector<Frame> frames = stack(thread["stack"]);
        std::string state = text(thread, "state"), waits = text(thread, "waits_for");
        std::string role;
        if (state == "spinning") {
            std::vector<std::string> reads;
            for (const json& read : thread["reads"])
                reads.push_back(fmt::format("'{}' (= {})", variable_name(number(read, "address"), json()),
                                            signed_value(number(read, "value"), number(read, "size"))));
            role = fmt::format("spins reading {}", fmt::join(reads, ", "));
            if (!frames.empty() && !frames.front().location.function.empty())
                role += " in " + frames.front().location.function;
            if (spin_part.empty()) spin_part = fmt::format("thread {} {}", id, role);
        } else if (waits == "join") {
            role = fmt::format("waits to join thread {}", number(thread, "object"));
        } else if (state == "waiting") {
            bool on = waits == "condition variable" || waits == "futex" || waits == "barrier";
            role = fmt::format("waits {} {} {}", on ? "on" : "for", waits, object_name(number(thread, "object")));
            if (thread.contains("holder")) {
                uint64_t holder = number(thread, "holder");
                role += holder == static_cast<uint64_t>(id) ? ", which it holds itself"
                                                            : fmt::format(", held by thread {}", holder);
            } else if (waits == "condition variable") {
                role += ", which no thread is left to signal";
            }
        } else {
            role = "runnable";
        }
        parts.push_back(fmt::format("thread {} {}", id, role));
        sites.push_back(frames.empty() ? "?" : where(frames.front()));
        finding.stacks.push_back({id, role, frames});
    }
    // The most telling thread first: one that spins or waits for something other than a join.
    std::stable_partition(finding.stacks.begin(), finding.stacks.end(),
                          [](const ThreadStack& s) { return s.role.rfind("waits to join", 0) != 0; });
    if (!finding.stacks.empty()) finding.location = top(finding.stacks.front().frames);
    std::string message = text(record, "message");
    if (!message.empty()) {
        std::string object = object_name(number(record, "object"));
        int id = finding.stacks.empty() ? 0 : finding.stacks.front().thread;
        finding.message = fmt::format("thread {} {}", id, replace_all(message, "{object}", object));
    } else if (livelock) {
        finding.message = fmt::format("{}, and no other thread will ever change it", spin_part);
    } else {
        finding.message = fmt::format("{}", fmt::join(parts, "; "));
    }
    add_creation_notes(record, finding);
    std::sort(sites.begin(), sites.end());
    return {fmt::format("{}|{}", finding.kind, fmt::join(sites, "|")), finding};
}

KeyedFinding RuntimeFindings::lock_misuse(const json& record) {
    Finding finding;
    finding.kind = "lock-misuse";
    std::string message = replace_all(text(record, "message"), "{object}", object_name(number(record, "object")));
    message = replace_all(message, "{other}", std::to_string(number(record, "other")));
    int thread = static_cast<int>(number(record, "thread"));
    finding.message = fmt::format("thread {} {}", thread, message);
    std::vector<Frame> frames = stack(record["stack"]);
    finding.location = top(frames);
    finding.stacks.push_back({thread, message, frames});
    add_creation_notes(record, finding);
    return {fmt::format("lock-misuse|{}|{}", text(record, "message"), frames.empty() ? "?" : where(frames.front())),
            finding};
}

KeyedFinding RuntimeFindings::assertion_failure(const json& record) {
    Finding finding;
    finding.kind = "assertion-failure";
    int thread = static_cast<int>(number(record, "thread"));
    finding.message = fmt::format("{} in thread {}", text(record, "message"), thread);
    std::vector<Frame> frames = stack(record["stack"]);
    finding.location = top(frames);
    if (!finding.location.known()) {
        finding.location.file = symbolizer_.display_path(text(record, "file"));
        finding.location.line = static_cast<int>(number(record, "line"));
        finding.location.function = text(record, "function");
    }
    finding.stacks.push_back({thread, "fails the assertion", frames});
    add_creation_notes(record, finding);
    return {fmt::format("assertion-failure|{}|{}:{}", text(record, "expression"), finding.location.file,
                        finding.location.line),
            finding};
}

KeyedFinding RuntimeFindings::crash(const json& record) {
    Finding finding;
    finding.kind = "crash";
    int thread = static_cast<int>(number(record, "thread"));
    std::string message = text(record, "message");
    if (record.contains("address") && message.find("overflow") == std::string::npos)
        message += fmt::format(" at address {:#x}", number(record, "address"));
    finding.message = fmt::format("thread {} crashed: {}", thread, message);
    std::vector<Frame> frames = stack(record["stack"]);
    finding.location = top(frames);
    finding.stacks.push_back({thread, "crashes", frames});
    add_creation_notes(record, finding);
    return {fmt::format("crash|{}|{}", number(record, "signal"), frames.empty() ? "?" : where(frames.front())),
            finding};
}

KeyedFinding RuntimeFindings::nontermination(const json& record) {
    Finding finding;
    finding.kind = "nontermination";
    int thread = static_cast<int>(number(record, "thread"));
    std::vector<Frame> frames = stack(record["stack"]);
    finding.location = top(frames);
    finding.message = text(record, "message");
    if (!frames.empty())
        finding.message += fmt::format("; thread {} was running {}", thread, where(frames.front()));
    finding.stacks.push_back({thread, "was running", frames});
    return {"nontermination", finding};
}

}  // namespace baton::report
