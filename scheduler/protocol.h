// The protocol between `baton` (the parent) and the runtime inside the program under test
// (the child). The parent starts the child with these environment variables; the child
// writes one record per line (a JSON object) on the report descriptor, and ends with an
// exit status the parent reads together with the records.
//
// Records (field "rec"):
//   {"rec":"start","pid":P}
//   {"rec":"module","path":"/abs/path","base":N}       load bias of a module, before any
//                                                        record whose pcs lie in it
//   {"rec":"thread","id":T,"parent":P,"pc":N}            thread T created by P at pc
//   {"rec":"finding","kind":K,...}                       see runtime/report_channel.h
//   {"rec":"end","steps":N,"threads":N,"schedule":"..."} the execution reached its end
//   {"rec":"diverged","step":N}                          a guided execution's plan did not fit
//   {"rec":"sleep-blocked","step":N}                     every option was asleep: redundant
//   {"rec":"repeated-wait","step":N}                     a thread is back in a condition wait
//                                                        it woke from spuriously: redundant
//   {"rec":"plan-ended","step":N}                        BATON_PLAN_END was reached
// Addresses and pcs are decimal integers; stacks are arrays of pcs, innermost first.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace baton::protocol {

constexpr int kVersion = 1;

// Environment variables set by the parent.
constexpr const char* kEnvReportFd = "BATON_REPORT_FD";     // descriptor for records
constexpr const char* kEnvStrategy = "BATON_STRATEGY";  // "default" | "random" | "pct" | "guided"
constexpr const char* kEnvSeed = "BATON_SEED";              // decimal
constexpr const char* kEnvMaxSteps = "BATON_MAX_STEPS";     // scheduling points per execution
constexpr const char* kEnvTimeLimitMs = "BATON_TIME_LIMIT_MS";  // watchdog, real milliseconds
constexpr const char* kEnvPlanFd = "BATON_PLAN_FD";     // "guided": descriptor to read the plan from
// "guided": stop where the plan ends, "STEPS [thread T]" (scheduler/schedule.h: PlanEnd).
constexpr const char* kEnvPlanEnd = "BATON_PLAN_END";
// "guided": racy locations (as BATON_PREEMPT_ON) that were no scheduling points when the plan
// was recorded: their accesses do not use up the plan's choices.
constexpr const char* kEnvUnplanned = "BATON_UNPLANNED";
constexpr const char* kEnvTraceFd = "BATON_TRACE_FD";   // write the binary trace here
constexpr const char* kEnvTraceLimit = "BATON_TRACE_LIMIT";  // steps recorded at most
constexpr const char* kEnvPctDepth = "BATON_PCT_DEPTH";      // "pct": depth d
constexpr const char* kEnvPctSteps = "BATON_PCT_STEPS";      // "pct": steps estimate
// Plain accesses to these 8-byte granules (decimal addresses, space-separated) are scheduling
// points: locations an earlier execution found racy.
constexpr const char* kEnvPreemptOn = "BATON_PREEMPT_ON";
// "1": every plain access to memory other than the thread's own stack and TLS is a scheduling
// point while two or more threads live (`--preempt all`), whether found racy or not.
constexpr const char* kEnvPreemptAll = "BATON_PREEMPT_ALL";

// Server mode (runtime/server.h): the program serves many executions. Asked for with
// BATON_CHANNEL_FD, a shared-memory file laid out as ServerChannel below, and BATON_WAKE_FD,
// an eventfd. Records: {"rec":"ready","snapshot_bytes":N} once, before the first request,
// or {"rec":"unresettable","reason":"why"} instead when the process cannot serve at all.
// Then, per execution, the parent writes the request into the channel (the "NAME=VALUE"
// lines of the kEnv* settings above, an empty line, then the plan) and sets `state` to
// kRequest; the program runs the execution, writes its reply (the trace, then its last
// records, ending with {"rec":"exit","status":S}, with "unresettable":"why" when the process
// then ends for real) and sets `state` to kReply. Records sent during the execution
// (findings) go to the report descriptor as usual, before the reply. The parent may post the
// next request the moment it has read a reply (the channel, then the program's pipes, so
// that what they hold after is the next execution's): the program runs it while the parent
// works on the last one (`--jobs`). Each side spins a little, then sleeps: the program on
// the `state` futex, the parent in poll() on the eventfd (so that it also sees the
// program's output and its death); a side that sets `state` wakes the other only if that
// one said it sleeps. A crash instead cuts the trace file to size after its
// {"rec":"schedule"} record.
constexpr const char* kEnvChannelFd = "BATON_CHANNEL_FD";
constexpr const char* kEnvWakeFd = "BATON_WAKE_FD";

struct ServerChannel {
    enum State : uint32_t { kIdle = 0, kRequest = 1, kReply = 2 };
    static constexpr size_t kHeaderBytes = 4096;
    static constexpr size_t kCapacity = size_t{4} << 20;  // of the data that follows the header

    std::atomic<uint32_t> state;            // a futex word, shared between the processes
    std::atomic<uint32_t> program_sleeps;   // the program waits on `state`: wake it
    std::atomic<uint32_t> parent_sleeps;    // the parent waits on the eventfd: write it
    std::atomic<uint32_t> no_spinning;      // 1: wait for the parent asleep (it shares the cores)
    uint32_t request_bytes;                 // of data
    uint64_t trace_bytes;                   // the reply's trace, at data[0]
    uint32_t trace_in_file;                 // 1: too big for the channel, in the trace file
    uint32_t records_bytes;                 // the reply's records, at data[trace_bytes]

    char* data() { return reinterpret_cast<char*>(this) + kHeaderBytes; }
    static constexpr size_t mapping_bytes() { return kHeaderBytes + kCapacity; }
};
static_assert(std::atomic<uint32_t>::is_always_lock_free, "the channel's words are shared between processes");
static_assert(sizeof(ServerChannel) <= ServerChannel::kHeaderBytes);

// Exit statuses the runtime uses when it ends an execution itself. Chosen outside the range
// programs commonly use; the parent treats them as "the runtime stopped it", not exit-failure.
constexpr int kExitStopped = 121;       // a finding ended the execution (deadlock, livelock, ...)
constexpr int kExitRuntimeError = 122;  // baton's runtime could not continue (message on stderr)
// Run without baton (no BATON_REPORT_FD), a program that had findings exits with this status
// (ThreadSanitizer's convention), after one line per finding on stderr.
constexpr int kExitStandaloneFindings = 66;

// Marker symbol every program linked with the runtime exports; `baton check BINARY` looks for
// it (and for __tsan_func_entry references) to tell instrumented binaries from others.
constexpr const char* kRuntimeMarker = "__baton_runtime_version";

}  // namespace baton::protocol
