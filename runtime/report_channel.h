// Findings and execution records, sent to `baton` (the parent process) one JSON object per
// line on the descriptor named by BATON_REPORT_FD (scheduler/protocol.h). Records carry raw
// pcs and addresses; the parent symbolizes them, so nothing slow runs inside the program.
//
// Finding records (field "kind"):
//   data-race:        "address","size", "current" and "previous" accesses, each
//                     {"thread","write","atomic","pc","stack":[...],"value"}, optional "heap"
//   deadlock/livelock: "threads":[{"thread","state","waits_for","object","holder","pc",
//                     "stack","reads":[{"address","size","value","pc"}]}]
//   lock-misuse:      "message","object","thread","pc","stack"
//   assertion-failure: "message","file","line","function","thread","pc","stack"
//   crash:            "signal","message","address","thread","pc","stack"
//   nontermination:   "message","thread","pc","stack"
// Every finding also lists "created": [{"thread","parent","pc"}] for the threads it names.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace baton::rt {

struct Thread;

// Builds one record. Keys are literals; string values are escaped. A signal-safe record
// (crash handlers, the watchdog) writes into a buffer reserved at start-up and never
// allocates, since the signal may have interrupted malloc.
class Record {
public:
    explicit Record(const char* rec, bool signal_safe = false);
    Record(const Record&) = delete;
    Record& operator=(const Record&) = delete;
    Record& field(const char* key, uint64_t value);
    Record& field(const char* key, int64_t value);
    Record& field(const char* key, int value) { return field(key, static_cast<int64_t>(value)); }
    Record& field(const char* key, unsigned value) { return field(key, uint64_t{value}); }
    Record& field(const char* key, bool value);
    Record& field(const char* key, const char* value);
    Record& field(const char* key, const std::string& value) { return field(key, value.c_str()); }
    Record& stack(const char* key, const Thread& thread, uintptr_t pc);
    Record& pcs(const char* key, const std::vector<uintptr_t>& pcs);
    Record& begin_object(const char* key);  // key null inside an array
    Record& end_object();
    Record& begin_array(const char* key);
    Record& end_array();
    // Lists where `threads` were created, as the "created" array.
    Record& creation_sites(std::span<const Thread* const> threads);
    Record& creation_sites(const Thread& thread) {
        const Thread* one[] = {&thread};
        return creation_sites(one);
    }
    void send();
    const std::string& text();  // the finished record, without sending it

private:
    void key(const char* key);
    void number(uint64_t value);
    std::string owned_;
    std::string& text_;
    bool first_ = true;
    bool signal_safe_;
};

class ReportChannel {
public:
    // Reads BATON_REPORT_FD (without it, findings go to stderr as one line each) and
    // describes the modules loaded so far.
    void open();
    bool standalone() const { return fd_ < 0; }
    void write_line(const std::string& line);
    // Sends a "module" record for every loaded object not described yet.
    void describe_modules();
    // A forked child reports on the same descriptor, tagged with its pid.
    void after_fork();
    unsigned findings() const { return findings_; }
    void count_finding() { ++findings_; }

private:
    int fd_ = -1;
    size_t modules_described_ = 0;
    unsigned findings_ = 0;
};

}  // namespace baton::rt
