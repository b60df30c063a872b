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

}  // namespace baton::rt
