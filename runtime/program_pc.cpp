#include "runtime/program_pc.h"

#include <execinfo.h>
#include <link.h>

namespace baton::rt {
namespace {

struct CodeRange {
    uintptr_t begin = 0, end = 0;
};
CodeRange g_ranges[8];
int g_range_count = 0;

bool in_program(uintptr_t pc) {
    for (int i = 0; i < g_range_count; ++i)
        if (pc >= g_ranges[i].begin && pc < g_ranges[i].end) return true;
    return false;
}

}  // namespace

void note_program_code() {
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void*) {
            // The first object is the executable.
            for (int i = 0; i < info->dlpi_phnum && g_range_count < 8; ++i) {
                const auto& segment = info->dlpi_phdr[i];
                if (segment.p_type != PT_LOAD || !(segment.p_flags & PF_X)) continue;
                uintptr_t begin = info->dlpi_addr + segment.p_vaddr;
                g_ranges[g_range_count++] = {begin, begin + segment.p_memsz};
            }
            return 1;  // stop after the executable
        },
        nullptr);
    // The first backtrace() loads the unwinder (libgcc_s), which calls pthread functions:
    // do it now, before those are modelled.
    void* frames[2];
    backtrace(frames, 2);
}

uintptr_t program_pc(uintptr_t pc) {
    static bool unwinding = false;  // the unwinder may itself call interposed functions
    if (g_range_count == 0 || in_program(pc) || unwinding) return pc;
    unwinding = true;
    void* frames[24];
    int count = backtrace(frames, 24);
    unwinding = false;
    for (int i = 0; i < count; ++i) {
        auto address = reinterpret_cast<uintptr_t>(frames[i]);
        if (in_program(address)) return address;
    }
    return pc;
}

uintptr_t interrupted_program_pc(uintptr_t pc, uintptr_t frame, uintptr_t stack) {
    if (g_range_count == 0 || in_program(pc)) return pc;
    // A frame is two words: the caller's frame pointer, then the return address. Frames lie
    // above the stack pointer and each above the one it was called from; a stack is at most
    // a few MiB (a fiber's), so a pointer further away is not a frame.
    constexpr uintptr_t kStackSpan = uintptr_t{64} << 20;
    for (int depth = 0; depth < 64; ++depth) {
        if (frame < stack || frame - stack > kStackSpan || frame % sizeof(uintptr_t) != 0) return 0;
        const auto* words = reinterpret_cast<const uintptr_t*>(frame);
        uintptr_t return_address = words[1];
        // The call instruction is just before the return address: its line is the call's.
        if (in_program(return_address)) return return_address - 1;
        if (words[0] <= frame) return 0;
        frame = words[0];
    }
    return 0;
}

}  // namespace baton::rt
