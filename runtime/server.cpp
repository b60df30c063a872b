#include "runtime/server.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>

#include "runtime/execution.h"
#include "runtime/fatal.h"
#include "runtime/fiber.h"
#include "runtime/heap.h"
#include "runtime/signals.h"
#include "scheduler/channel_wait.h"
#include "scheduler/protocol.h"

extern "C" void* __curbrk;  // glibc's current break, kept by brk() and sbrk()

namespace baton::rt {
namespace {

constexpr size_t kPage = 4096;
constexpr size_t kMaxRegions = 1024;
constexpr size_t kMaxExcluded = 4096 + 16;

struct Range {
    uintptr_t begin, end;
};

struct Region {
    uintptr_t begin, end;
    size_t offset;  // of its copy in ServerState::copy
    bool heap;      // restored only as far as the execution used it (heap_high_water)
};

using Main = int (*)(int, char**, char**);

// What must survive the resets, in a mapping of its own that the snapshot leaves out.
struct ServerState {
    void* jump[5];  // __builtin_setjmp's buffer: the start of every execution
    uint64_t executions = 0;
    protocol::ServerChannel* channel = nullptr;  // shared with the parent
    int wake_fd = -1;                            // the parent's eventfd
    protocol::Spinner spinner;
    int report_fd = -1;
    Region regions[kMaxRegions];
    size_t region_count = 0;
    char* copy = nullptr;  // the snapshot's bytes
    size_t copy_size = 0;
    uintptr_t brk = 0;
    uintptr_t heap_copied = 0;  // the end of the heap's copy: zeros above it at the snapshot
    void* main_tcb = nullptr;
    sigset_t mask;
    long vm_pages = 0;  // the process's size at the snapshot
    int statm_fd = -1;  // /proc/self/statm, kept open: read again at every reset
    size_t shadow_mapped = 0;
    uint64_t pool_touched = 0;
    int max_fd = 0;
    off_t stdin_offset = -1;  // where standard input stood at the snapshot (-1: not a file)
    uint64_t trace_in_channel = 0;  // bytes of the execution's trace in the channel
    bool trace_in_file = false;     // too big for the channel: in the trace file
    char* request = nullptr;  // the request being served, copied out of the channel
    size_t request_capacity = 0;
    size_t request_size = 0;
    size_t header_size = 0;  // the KEY=VALUE lines and the empty line after them
    Main main = nullptr;
    int argc = 0;
    char** argv = nullptr;
    char** envp = nullptr;
};

// Set before main and so part of the snapshot: the same after every reset.
int g_channel_fd = -2;  // -2: not read yet
Main g_program_main = nullptr;
Range g_excluded[16];
size_t g_excluded_count = 0;
ServerState* g_state = nullptr;  // set once serving
// Set during an execution, read at its end before the snapshot is copied back.
const char* g_unresettable = nullptr;
bool g_leaving = false;
int g_exit_status = 0;
std::string g_held;  // see hold_end_record; its buffer is heap memory the reset takes back

long raw(long number, long a = 0, long b = 0, long c = 0, long d = 0) {
    long result;
    register long r10 asm("r10") = d;
    asm volatile("syscall"
                 : "=a"(result)
                 : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10)
                 : "rcx", "r11", "memory");
    return result;
}

// Copies without calling the interposed memcpy (whose globals are being overwritten).
void copy_bytes(void* to, const void* from, size_t size) {
    asm volatile("rep movsb" : "+D"(to), "+S"(from), "+c"(size) : : "memory");
}

void zero_bytes(void* to, size_t size) {
    asm volatile("rep stosb" : "+D"(to), "+c"(size) : "a"(0) : "memory");
}

void* map_memory(size_t size) {
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? nullptr : p;
}

void* read_thread_pointer() {
    void* tp;
    asm volatile("movq %%fs:0, %0" : "=r"(tp));
    return tp;
}

void write_thread_pointer(void* tp) { raw(SYS_arch_prctl, 0x1002 /* ARCH_SET_FS */, reinterpret_cast<long>(tp)); }

// The process's size in pages, from /proc/self/statm: read with one pread on a descriptor
// kept open (opening the file every reset cost two more system calls).
long process_pages() {
    char text[128];
    long n = raw(SYS_pread64, g_state->statm_fd, reinterpret_cast<long>(text), sizeof text - 1, 0);
    if (n <= 0) return -1;
    text[n] = '\0';
    return strtol(text, nullptr, 10);
}

void send_line(const char* line) {
    size_t size = strlen(line);
    while (size > 0) {
        long n = raw(SYS_write, g_state->report_fd, reinterpret_cast<long>(line), static_cast<long>(size));
        if (n == -EINTR) continue;
        if (n <= 0) return;
        line += n;
        size -= static_cast<size_t>(n);
    }
}

[[noreturn]] void exit_now(int status) {
    for (;;) raw(SYS_exit_group, status);
}

// Could not serve: says why, then ends; the parent runs executions in processes of their own.
[[noreturn]] void refuse(const char* why) {
    char line[256];
    snprintf(line, sizeof line, "{\"rec\":\"unresettable\",\"reason\":\"%s\"}\n", why);
    send_line(line);
    exit_now(0);
}

// ---- the snapshot -------------------------------------------------------------------------

struct Exclusions {
    Range ranges[kMaxExcluded];
    size_t count = 0;
    void add(uintptr_t begin, uintptr_t end) {
        if (begin < end && count < kMaxExcluded) ranges[count++] = {begin, end};
    }
};

// Adds [begin, end) minus the exclusions (sorted) to the snapshot's regions.
void add_region(uintptr_t begin, uintptr_t end, const Exclusions& excluded, bool heap = false) {
    for (size_t i = 0; i < excluded.count && begin < end; ++i) {
        const Range& out = excluded.ranges[i];
        if (out.end <= begin || out.begin >= end) continue;
        if (out.begin > begin) add_region(begin, out.begin, excluded, heap);
        begin = out.end;
    }
    if (begin >= end) return;
    if (g_state->region_count == kMaxRegions) refuse("too many memory regions");
    g_state->regions[g_state->region_count++] = {begin, end, 0, heap};
}

void take_snapshot(uintptr_t stack_frame) {
    // Read into a mapping of its own, unmapped before the process's size is taken.
    constexpr size_t kMapsCapacity = size_t{1} << 20;
    auto* maps = static_cast<char*>(map_memory(kMapsCapacity));
    if (!maps) refuse("no memory to read /proc/self/maps");
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0) refuse("cannot read /proc/self/maps");
    size_t size = 0;
    for (long n; (n = read(fd, maps + size, kMapsCapacity - 1 - size)) > 0;) size += static_cast<size_t>(n);
    close(fd);
    if (size == kMapsCapacity - 1) refuse("too many memory mappings");
    maps[size] = '\0';

    Exclusions excluded;
    ShadowMemory& shadow = execution().shadow();
    shadow.for_each_mapping([&](uintptr_t begin, uintptr_t end) { excluded.add(begin, end); });
    uintptr_t pool_begin, pool_end;
    Fiber::stack_pool_range(pool_begin, pool_end);
    excluded.add(pool_begin, pool_end);
    auto state = reinterpret_cast<uintptr_t>(g_state);
    excluded.add(state, state + ((sizeof(ServerState) + kPage - 1) & ~(kPage - 1)));
    excluded.add(reinterpret_cast<uintptr_t>(maps), reinterpret_cast<uintptr_t>(maps) + kMapsCapacity);
    excluded.add(reinterpret_cast<uintptr_t>(g_state->request),
                 reinterpret_cast<uintptr_t>(g_state->request) + g_state->request_capacity);
    for (size_t i = 0; i < g_excluded_count; ++i) excluded.add(g_excluded[i].begin, g_excluded[i].end);
    std::sort(excluded.ranges, excluded.ranges + excluded.count,
              [](const Range& a, const Range& b) { return a.begin < b.begin; });

    g_state->brk = static_cast<uintptr_t>(raw(SYS_brk, 0));
    // Above the last block in use lies the allocator's free top (mostly the top pad): only its
    // header is copied. The rest is dropped, so that it reads as zeros, as the reset leaves
    // it. Copying it all cost a fresh process a page fault per page (4 MiB: about 30 ms here).
    const uintptr_t heap_top = g_state->brk - mallinfo2().keepcost;
    const uintptr_t heap_copied = std::min(g_state->brk, (heap_top + 2 * sizeof(size_t) + kPage - 1) & ~(kPage - 1));
    g_state->heap_copied = heap_copied;
    for (char* line = maps; *line;) {
        char* next = strchr(line, '\n');
        if (next) *next++ = '\0';
        else next = line + strlen(line);
        unsigned long begin = 0, end = 0;
        char perms[8] = {};
        int path_at = 0;
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &begin, &end, perms, &path_at) >= 3) {
            std::string_view path = path_at > 0 ? std::string_view(line + path_at) : std::string_view();
            if (path == "[stack]") {
                // Above main's caller: the loader's frames, argv, the environment, auxv.
                add_region(stack_frame, end, excluded);
            } else if (perms[1] == 'w' && perms[3] == 'p' && path != "[vvar]" && path != "[vdso]" &&
                       path != "[vsyscall]") {
                bool heap = path == "[heap]";
                if (heap) {
                    if (heap_copied < end) madvise(reinterpret_cast<void*>(heap_copied), end - heap_copied, MADV_DONTNEED);
                    end = std::min<uintptr_t>(end, heap_copied);
                }
                add_region(begin, end, excluded, heap);
            }
        }
        line = next;
    }
    size_t total = 0;
    for (size_t i = 0; i < g_state->region_count; ++i) {
        g_state->regions[i].offset = total;
        total += g_state->regions[i].end - g_state->regions[i].begin;
    }
    munmap(maps, kMapsCapacity);
    g_state->copy = static_cast<char*>(map_memory(total));
    if (!g_state->copy) refuse("no memory for the snapshot");
    g_state->copy_size = total;
    // Taken last, so that nothing the copy needs changes after it.
    g_state->main_tcb = read_thread_pointer();
    sigprocmask(SIG_SETMASK, nullptr, &g_state->mask);
    g_state->pool_touched = Fiber::stack_pool_touched();
    g_state->statm_fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);  // below max_fd: kept
    g_state->max_fd = 0;
    for (int fd = 0; fd < 1024; ++fd)
        if (fcntl(fd, F_GETFD) >= 0) g_state->max_fd = fd;
    g_state->shadow_mapped = shadow.mapped_bytes();
    g_state->vm_pages = process_pages();
    // The heap is restored up to the highest block an execution allocated.
    watch_heap_high_water(g_state->brk, heap_top);
    for (size_t i = 0; i < g_state->region_count; ++i) {
        const Region& region = g_state->regions[i];
        copy_bytes(g_state->copy + region.offset, reinterpret_cast<void*>(region.begin), region.end - region.begin);
    }
}

// Whether the process's memory mappings are those of the snapshot, but for the heap's and the
// shadow's growth (which the reset undoes, or keeps): else the copy back would fault, or
// leave memory behind.
bool mappings_as_at_snapshot() {
    const ServerState& state = *g_state;
    auto page_up = [](uintptr_t address) { return static_cast<long>((address + kPage - 1) / kPage); };
    long heap_growth = page_up(reinterpret_cast<uintptr_t>(__curbrk)) - page_up(state.brk);
    long shadow_growth = static_cast<long>((execution().shadow().mapped_bytes() - state.shadow_mapped) / kPage);
    return process_pages() == state.vm_pages + heap_growth + shadow_growth;
}

// Puts the process back as it was at the snapshot (whose mappings, end_served_execution
// checked, are all there).
void restore_snapshot() {
    ServerState& state = *g_state;
    uint64_t stacks_used = Fiber::stack_pool_touched() & ~state.pool_touched;
    ShadowMemory& shadow = execution().shadow();  // the same object before and after
    uintptr_t heap_used = heap_high_water();
    // The C library's idea of the break: a program that moved it behind the library's back
    // changed the process's size, which the check below sees.
    if (reinterpret_cast<uintptr_t>(__curbrk) != state.brk) {
        // Rare (the top pad is large): the heap grew, or shrank, whose pages the copy
        // below must then restore whole.
        raw(SYS_brk, static_cast<long>(state.brk));
        heap_used = state.brk;
    }
    for (size_t i = 0; i < state.region_count; ++i) {
        const Region& region = state.regions[i];
        if (!region.heap) {
            copy_bytes(reinterpret_cast<void*>(region.begin), state.copy + region.offset, region.end - region.begin);
            continue;
        }
        uintptr_t end = std::min(region.end, std::max(region.begin, heap_used));
        copy_bytes(reinterpret_cast<void*>(region.begin), state.copy + region.offset, end - region.begin);
    }
    // Above the copy, the free top was zeros at the snapshot. (The heap may be cut into
    // several regions by what is left out of the snapshot, such as the signal-safe record
    // buffer, which need not be restored.)
    if (heap_used > state.heap_copied)
        zero_bytes(reinterpret_cast<void*>(state.heap_copied), heap_used - state.heap_copied);
    Fiber::zero_pool_stacks(stacks_used);
    shadow.reset_used();
    raw(SYS_close_range, state.max_fd + 1, ~0u, 0);
    raw(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&state.mask), 0, sizeof(uint64_t));
}

// ---- requests -----------------------------------------------------------------------------

void futex(std::atomic<uint32_t>& word, int op, uint32_t value) {
    raw(SYS_futex, reinterpret_cast<long>(&word), op, value, 0);
}

// Waits for the parent's next request (protocol.h: ServerChannel) and copies it out of the
// channel: "KEY=VALUE" lines (protocol.h's kEnv* names), an empty line, then the plan.
void read_request() {
    ServerState& state = *g_state;
    protocol::ServerChannel& channel = *state.channel;
    auto posted = [&] { return channel.state.load(std::memory_order_acquire) == protocol::ServerChannel::kRequest; };
    // Several programs at once (`--jobs`) share the cores with the parent: spinning would take
    // one from them.
    if (channel.no_spinning.load() || !state.spinner.wait(posted)) {
        channel.program_sleeps.store(1);
        // Sleeps only while the word still holds the value seen: a request posted between the
        // check and the sleep (whose wake came too early) makes the futex return at once.
        for (uint32_t seen; (seen = channel.state.load()) != protocol::ServerChannel::kRequest;)
            futex(channel.state, FUTEX_WAIT, seen);
        channel.program_sleeps.store(0);
    }
    size_t size = std::min<size_t>(channel.request_bytes, state.request_capacity);
    copy_bytes(state.request, channel.data(), size);
    state.request_size = size;
    std::string_view text(state.request, size);
    size_t end = text.find("\n\n");
    state.header_size = end == std::string_view::npos ? size : end + 2;
    for (size_t i = 0; i < state.header_size; ++i)
        if (state.request[i] == '\n') state.request[i] = '\0';
    state.trace_in_channel = 0;
    state.trace_in_file = false;
}

// Hands the execution's last records to the parent, after its trace (store_trace), and
// wakes the parent if it sleeps.
void send_reply(const std::string& records) {
    ServerState& state = *g_state;
    protocol::ServerChannel& channel = *state.channel;
    channel.trace_bytes = state.trace_in_channel;
    channel.trace_in_file = state.trace_in_file;
    if (state.trace_in_channel + records.size() <= protocol::ServerChannel::kCapacity) {
        copy_bytes(channel.data() + state.trace_in_channel, records.data(), records.size());
        channel.records_bytes = static_cast<uint32_t>(records.size());
    } else {
        send_line(records.c_str());  // read from the report descriptor, before the reply
        channel.records_bytes = 0;
    }
    channel.state.store(protocol::ServerChannel::kReply);
    if (channel.parent_sleeps.load()) {
        uint64_t one = 1;
        raw(SYS_write, state.wake_fd, reinterpret_cast<long>(&one), sizeof one);
    }
}

class RequestSettings : public Settings {
public:
    const char* get(const char* name) const override {
        ServerState& state = *g_state;
        size_t length = strlen(name);
        // read_request made each line a string of its own.
        for (const char* line = state.request; line < state.request + state.header_size;
             line += strlen(line) + 1) {
            if (strncmp(line, name, length) == 0 && line[length] == '=') return line + length + 1;
        }
        return nullptr;
    }
    std::string plan() const override {
        return std::string(g_state->request + g_state->header_size, g_state->request_size - g_state->header_size);
    }
};

// One execution: configured by the request, then the program's main, then exit() as when
// main returns. Ends in end_served_execution.
[[noreturn]] void run_execution() {
    read_request();
    {
        RuntimeScope scope;
        execution().configure(RequestSettings());
    }
    exit(g_program_main(g_state->argc, g_state->argv, g_state->envp));
}

int serve(int argc, char** argv, char** envp) {
    {
        Execution& ex = execution();
        if (ex.steps() > 0 || ex.thread_count() > 1) refuse("the program synchronizes before main");
        RuntimeScope scope;
        ex.shadow().reset_used();  // what constructors did happens before every thread: forget it
    }
    g_state->argc = argc;
    g_state->argv = argv;
    g_state->envp = envp;
    g_state->main = g_program_main;
    {
        // Grow the heap now by the allocator's top pad, so that executions rarely need to.
        RuntimeScope scope;
        uintptr_t start = static_cast<uintptr_t>(raw(SYS_brk, 0));
        void* blocks[64];
        size_t count = 0;
        while (count < std::size(blocks) && static_cast<uintptr_t>(raw(SYS_brk, 0)) == start)
            blocks[count++] = malloc(64 << 10);
        while (count > 0) free(blocks[--count]);
    }
    take_snapshot(reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) + 16);
    // Every execution reads the same input (`check --stdin`): the file's offset is the
    // kernel's, outside the snapshot, and goes back to where it was.
    g_state->stdin_offset = lseek(STDIN_FILENO, 0, SEEK_CUR);
    char line[128];
    snprintf(line, sizeof line, "{\"rec\":\"ready\",\"snapshot_bytes\":%zu}\n", g_state->copy_size);
    send_line(line);
    __builtin_setjmp(g_state->jump);
    // Every execution starts here; from the second on, the one before jumped back here.
    if (g_state->executions++ > 0) {
        restore_snapshot();
        if (g_state->stdin_offset >= 0) lseek(STDIN_FILENO, g_state->stdin_offset, SEEK_SET);
    }
    run_execution();
}

long env_fd(const char* name) {
    const char* text = getenv(name);
    if (!text || !*text) return -1;
    char* end = nullptr;
    long fd = strtol(text, &end, 10);
    return *end == '\0' && fd >= 0 ? fd : -1;
}

}  // namespace

bool server_requested() {
    if (g_channel_fd == -2) g_channel_fd = static_cast<int>(env_fd(protocol::kEnvChannelFd));
    return g_channel_fd >= 0;
}

void exclude_from_snapshot(const void* begin, size_t size) {
    if (g_excluded_count == std::size(g_excluded)) return;
    auto address = reinterpret_cast<uintptr_t>(begin);
    g_excluded[g_excluded_count++] = {address, address + size};
}

void note_unresettable(const char* why) {
    if (!g_unresettable) g_unresettable = why;
}

bool serving_execution() { return g_state && !g_leaving && g_state->executions > 0; }

void leave_server() { g_leaving = true; }

void note_exit_status(int status) { g_exit_status = status; }
int noted_exit_status() { return g_exit_status; }

bool hold_end_record(const std::string& line) {
    if (!serving_execution()) return false;
    g_held += line;
    return true;
}

void flush_held_records() {
    if (!g_state || g_held.empty()) return;
    send_line(g_held.c_str());
    g_held.clear();
}

bool store_trace(const void* data, size_t size) {
    if (!serving_execution()) return false;
    if (size > protocol::ServerChannel::kCapacity) {
        g_state->trace_in_file = true;
        return false;
    }
    copy_bytes(g_state->channel->data(), data, size);
    g_state->trace_in_channel = size;
    return true;
}

void end_served_execution(int status, int signal) {
    if (!serving_execution()) return flush_held_records();
    idle_watchdog();
    // Checked before the reply, which says whether the process goes on.
    if (!g_unresettable && !mappings_as_at_snapshot()) g_unresettable = "the execution left memory mappings behind";
    char line[256];
    int n = snprintf(line, sizeof line, "{\"rec\":\"exit\",\"status\":%d", status);
    if (signal != 0) n += snprintf(line + n, sizeof line - n, ",\"signal\":%d", signal);
    // "trace": the size of a trace too big for the channel, at the start of the trace file,
    // which is not cut to it.
    if (g_state->trace_in_file)
        n += snprintf(line + n, sizeof line - n, ",\"trace\":%llu",
                      static_cast<unsigned long long>(execution().trace_bytes()));
    if (g_unresettable) n += snprintf(line + n, sizeof line - n, ",\"unresettable\":\"%s\"", g_unresettable);
    snprintf(line + n, sizeof line - n, "}\n");
    g_held += line;
    send_reply(g_held);
    g_held.clear();
    if (g_unresettable) return;  // the caller ends the process
    if (read_thread_pointer() != g_state->main_tcb) write_thread_pointer(g_state->main_tcb);
    __builtin_longjmp(g_state->jump, 1);
}

}  // namespace baton::rt

using namespace baton::rt;

extern "C" {

// The program's entry, from _start. In server mode main is wrapped by `serve`.
__attribute__((visibility("default"))) int __libc_start_main(Main main, int argc, char** argv,
                                                             void (*init)(), void (*fini)(),
                                                             void (*rtld_fini)(), void* stack_end) {
    using Real = int (*)(Main, int, char**, void (*)(), void (*)(), void (*)(), void*);
    auto real = reinterpret_cast<Real>(dlvsym(RTLD_NEXT, "__libc_start_main", "GLIBC_2.34"));
    if (!real) real = reinterpret_cast<Real>(dlvsym(RTLD_NEXT, "__libc_start_main", "GLIBC_2.2.5"));
    if (!real) fatal("cannot find the C library's __libc_start_main");
    if (server_requested()) {
        g_state = static_cast<ServerState*>(map_memory(sizeof(ServerState)));
        if (!g_state) fatal("no memory for the server state");
        // Default-initialized: the mapping is zeros already, and value-initializing its
        // regions called memset, whose interposer checked 32 KiB of accesses.
        new (g_state) ServerState;
        void* channel = mmap(nullptr, baton::protocol::ServerChannel::mapping_bytes(), PROT_READ | PROT_WRITE,
                             MAP_SHARED, g_channel_fd, 0);
        if (channel == MAP_FAILED) fatal("cannot map the channel to baton");
        g_state->channel = static_cast<baton::protocol::ServerChannel*>(channel);
        g_state->wake_fd = static_cast<int>(env_fd(baton::protocol::kEnvWakeFd));
        g_state->report_fd = static_cast<int>(env_fd(baton::protocol::kEnvReportFd));
        // As large as the channel, so that it never grows (which would change the mappings).
        g_state->request_capacity = baton::protocol::ServerChannel::kCapacity;
        g_state->request = static_cast<char*>(map_memory(g_state->request_capacity));
        if (!g_state->request) fatal("no memory for requests");
        g_program_main = main;
        main = &serve;
    }
    return real(main, argc, argv, init, fini, rtld_fini, stack_end);
}

}  // extern "C"
