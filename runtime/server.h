// Server mode: one process runs many executions, resetting itself in place between them
// instead of being started anew (which costs milliseconds: exec, dynamic linking, runtime
// start-up). Asked for by the parent with BATON_CHANNEL_FD (scheduler/protocol.h), a
// shared-memory channel through which requests and replies pass without system calls.
//
// How: the runtime wraps the program's main (it interposes __libc_start_main). On entering
// main, after every constructor ran, it copies the process's writable memory (the data and
// bss of every module, the heap, the TLS of the initial thread, the top of the stack): the
// snapshot. Then, for each request read from the channel, it configures the
// execution, calls main, and when the program ends (exit, return from main, or the runtime
// stopping it after a finding) it replies with its trace and an "exit" record and copies the
// snapshot back.
// What lives outside that memory survives: the shadow memory (emptied page by page), the
// pool of thread stacks (zeroed), the watchdog timer.
//
// An abort (a failed assertion, abort(), an uncaught C++ exception), a division by zero or a
// null pointer's fault ends the execution as if the process had died of the signal, and the
// process is reset: nothing was written that the program could not have written anyway.
// What cannot be reset ends the process for real after the execution, and the parent starts
// a new one: another memory fault (it may follow a wild write into the runtime's own
// memory), the watchdog, fork/system/popen/posix_spawn (children outlive the execution), and
// any memory mapping the execution left behind (dlopen, a large malloc not freed, mmap):
// found by comparing the process's size with the snapshot's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace baton::rt {

// Whether the parent asked for server mode (read once, before main).
bool server_requested();

// Leaves [begin, begin + size) out of the snapshot: runtime memory whose content need not
// be restored (the alternate signal stack) or that must not be (it survives resets).
void exclude_from_snapshot(const void* begin, size_t size);

// The execution did something a reset would not undo: the process ends for real once the
// execution is over. `why` is a literal.
void note_unresettable(const char* why);

// Whether this is an execution that a server runs, which ends by replying and resetting.
bool serving_execution();

// The execution ends abruptly (a memory fault, the watchdog): the process must really exit,
// whatever happens next.
void leave_server();

// Records of the execution's end ("end", "sleep-blocked", ...): in server mode they are held
// and go out with the "exit" record in one write, so that the parent wakes once per
// execution. Returns false when not serving: the caller sends the record itself.
bool hold_end_record(const std::string& line);
// Sends what is held now: the process is about to end another way (a crash, a fork's child).
void flush_held_records();

// The execution's trace, as it ends normally: in server mode it goes to the parent in the
// channel if it fits (true); else the caller writes it to the trace file.
bool store_trace(const void* data, size_t size);

// Called when the program ends with `status` (or, with `signal` not 0, as if killed by that
// signal), after the execution was finished (the runtime's records sent). In server mode it
// sends the reply and goes back to the server loop: it does not return. Otherwise it
// returns and the caller ends the process.
void end_served_execution(int status, int signal = 0);

// The status the program passed to exit() (the exit path reaches the runtime through the
// library destructors, which do not see it).
void note_exit_status(int status);
int noted_exit_status();

}  // namespace baton::rt
