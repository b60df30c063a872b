// Helpers for the runtime's entry points (instrumentation callbacks and interposed
// functions): the caller's pc and stack pointer, and the common prologue.
#pragma once

#include <cstdint>

#include "runtime/execution.h"
#include "runtime/race_detector.h"

// The call site in the program (a return address: the call instruction ends just before).
#define BATON_CALLER_PC reinterpret_cast<uintptr_t>(__builtin_return_address(0))
// The caller's stack pointer at the call (the runtime is built with frame pointers).
#define BATON_CALLER_SP (reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) + 16)

namespace baton::rt {

// Enters the runtime from program code: completes the thread's last write, remembers the
// caller's stack pointer (busy-wait detection hashes the stack from there) and returns the
// thread. The thread is the same object after any scheduling point: a thread that waited
// is resumed as itself.
inline Thread& enter_runtime(uintptr_t caller_sp) {
    Thread& thread = execution().current();
    finish_pending_write(thread);
    thread.op_sp = caller_sp;
    return thread;
}

// The prologue of an interposed synchronization function: before the runtime starts (in
// constructors of libraries loaded earlier) there is one thread and nothing to model; and
// when the runtime's own code calls it (the unwinder locks a mutex, say), it must not become
// a scheduling point: the call returns `fallback` at once.
#define BATON_ENTER(fallback)                  \
    if (!::baton::rt::g_runtime_active || ::baton::rt::g_runtime_depth > 0) return fallback; \
    ::baton::rt::RuntimeScope baton_scope;     \
    ::baton::rt::Thread& self = ::baton::rt::enter_runtime(BATON_CALLER_SP); \
    (void)self

}  // namespace baton::rt
