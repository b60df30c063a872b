// The runtime's life in the process: it starts before the program's constructors (as a
// dependency of the executable, its constructor runs first; __tsan_init, called by every
// instrumented module's constructor, starts it too if needed), it reports the end of the
// execution however the program ends, and it follows fork().
#include <dlfcn.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/entry_points.h"
#include "scheduler/protocol.h"

using namespace baton::rt;

namespace {

[[noreturn]] void exit_process(int status) {
    for (;;) syscall(SYS_exit_group, status);
}

void finish_execution() {
    if (!g_runtime_active) return;
    RuntimeScope scope;
    execution().finish();
}

__attribute__((constructor)) void start_runtime() { boot_runtime(); }

// Runs after the program's own destructors and atexit handlers (this library was
// initialized first, so it is finalized last).
__attribute__((destructor)) void end_runtime() { finish_execution(); }

}  // namespace

extern "C" {

// Marks binaries linked with baton's runtime (see scheduler/protocol.h).
__attribute__((visibility("default"))) extern const int __baton_runtime_version;
const int __baton_runtime_version = baton::protocol::kVersion;

void __tsan_init() { boot_runtime(); }

void _exit(int status) {
    finish_execution();
    exit_process(status);
}

void _Exit(int status) {
    finish_execution();
    exit_process(status);
}

pid_t fork() {
    using Fork = pid_t (*)();
    static auto libc_fork = reinterpret_cast<Fork>(dlsym(RTLD_NEXT, "fork"));
    pid_t pid = libc_fork();
    if (pid == 0 && g_runtime_active) {
        RuntimeScope scope;
        execution().after_fork_in_child();
    }
    return pid;
}

}  // extern "C"
