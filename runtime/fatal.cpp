#include "runtime/fatal.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>

#include "scheduler/protocol.h"

namespace baton::rt {

void fatal(const char* format, ...) {
    char message[512];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    char line[600];
    int n = snprintf(line, sizeof line, "baton runtime: %s\n", message);
    if (n > 0) (void)!write(STDERR_FILENO, line, static_cast<size_t>(n) < sizeof line ? n : sizeof line - 1);
    // Not _exit: the runtime interposes it to report the end of an execution, and the
    // runtime's state is not to be trusted here.
    for (;;) syscall(SYS_exit_group, protocol::kExitRuntimeError);
}

}  // namespace baton::rt
