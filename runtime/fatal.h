// Unrecoverable runtime errors: one line on stderr, then the process ends with the exit
// status baton reads as "the runtime failed" (never a stack trace).
#pragma once

namespace baton::rt {

[[noreturn]] void fatal(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace baton::rt
