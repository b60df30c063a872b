// The runtime's life in the process: it starts before the program's constructors (as a
// dependency of the executable, its constructor runs first; __tsan_init, called by every
// instrumented module's constructor, starts it too if needed), it reports the end of the
// execution however the program ends, and it follows fork(). What a reset in place cannot
// undo (child processes, dlopen, a timer signal) is noted for the server (runtime/server.h).
#include <dlfcn.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>

#include "runtime/entry_points.h"
#include "runtime/server.h"
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

// The program ends with `status`: report the end, then, in server mode, go back for the next
// execution (runtime/server.h); otherwise, or if the process cannot be reset, end it.
[[noreturn]] void end_program(int status) {
    finish_execution();
    end_served_execution(status);
    exit_process(status);
}

template <class Function>
Function next_definition(const char* name) {
    return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

__attribute__((constructor)) void start_runtime() { boot_runtime(); }

// Runs after the program's own destructors and atexit handlers (this library was
// initialized first, so it is finalized last). What remains of exit() after this is the
// flushing of stdio; in server mode it is done here and the process goes on.
__attribute__((destructor)) void end_runtime() {
    finish_execution();
    fflush(nullptr);
    end_served_execution(noted_exit_status());
}

}  // namespace

extern "C" {

// Marks binaries linked with baton's runtime (see scheduler/protocol.h).
__attribute__((visibility("default"))) extern const int __baton_runtime_version;
const int __baton_runtime_version = baton::protocol::kVersion;

void __tsan_init() { boot_runtime(); }

void exit(int status) {
    static auto libc_exit = next_definition<void (*)(int)>("exit");
    note_exit_status(status);
    libc_exit(status);
    __builtin_unreachable();
}

void _exit(int status) { end_program(status); }

void _Exit(int status) { end_program(status); }

pid_t fork() {
    static auto libc_fork = next_definition<pid_t (*)()>("fork");
    pid_t pid = libc_fork();
    if (pid == 0) {
        leave_server();  // the child's end is its own, never the server's
        if (g_runtime_active) {
            RuntimeScope scope;
            execution().after_fork_in_child();
        }
    } else if (pid > 0) {
        note_unresettable("fork");  // the child may outlive the execution
    }
    return pid;
}

// Child processes may outlive the execution; a reset would not end them.
int system(const char* command) {
    static auto libc_system = next_definition<int (*)(const char*)>("system");
    if (command) note_unresettable("system");
    return libc_system(command);
}

FILE* popen(const char* command, const char* mode) {
    static auto libc_popen = next_definition<FILE* (*)(const char*, const char*)>("popen");
    note_unresettable("popen");
    return libc_popen(command, mode);
}

int posix_spawn(pid_t* pid, const char* path, const posix_spawn_file_actions_t* actions,
                const posix_spawnattr_t* attributes, char* const argv[], char* const envp[]) {
    using Spawn = int (*)(pid_t*, const char*, const posix_spawn_file_actions_t*,
                          const posix_spawnattr_t*, char* const[], char* const[]);
    static auto libc_spawn = next_definition<Spawn>("posix_spawn");
    note_unresettable("posix_spawn");
    return libc_spawn(pid, path, actions, attributes, argv, envp);
}

int posix_spawnp(pid_t* pid, const char* file, const posix_spawn_file_actions_t* actions,
                 const posix_spawnattr_t* attributes, char* const argv[], char* const envp[]) {
    using Spawn = int (*)(pid_t*, const char*, const posix_spawn_file_actions_t*,
                          const posix_spawnattr_t*, char* const[], char* const[]);
    static auto libc_spawnp = next_definition<Spawn>("posix_spawnp");
    note_unresettable("posix_spawnp");
    return libc_spawnp(pid, file, actions, attributes, argv, envp);
}

// The kernel's timer outlives a reset, and its signal would come in the middle of a later
// execution.
unsigned alarm(unsigned seconds) {
    static auto libc_alarm = next_definition<unsigned (*)(unsigned)>("alarm");
    if (seconds) note_unresettable("alarm");
    return libc_alarm(seconds);
}

int setitimer(__itimer_which_t which, const struct itimerval* value, struct itimerval* old) {
    using SetTimer = int (*)(__itimer_which_t, const struct itimerval*, struct itimerval*);
    static auto libc_setitimer = next_definition<SetTimer>("setitimer");
    if (value && (value->it_value.tv_sec || value->it_value.tv_usec)) note_unresettable("setitimer");
    return libc_setitimer(which, value, old);
}

void* dlopen(const char* file, int mode) {
    static auto libc_dlopen = next_definition<void* (*)(const char*, int)>("dlopen");
    if (file) note_unresettable("dlopen");  // the loader's state lives outside the snapshot too
    return libc_dlopen(file, mode);
}

}  // extern "C"
