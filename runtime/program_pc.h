// Where in the program a visible operation was called from. Most calls come straight from
// the program's code; some come through libstdc++ (std::thread::join, the condition
// variable's wait), whose frames say nothing to the program's author: for those, the first
// return address inside the program is found by unwinding the real stack (rare, and slow
// only there).
#pragma once

#include <cstdint>

namespace baton::rt {

// Records the address ranges of the executable's code; called once at start-up.
void note_program_code();

// `pc` if it lies in the program's code, else the nearest caller that does (or `pc`).
uintptr_t program_pc(uintptr_t pc);

// The same for a point a signal interrupted, given its frame and stack pointers: the
// runtime's own frames (built with frame pointers) are walked up to the first return
// address in the program. Async-signal-safe. Returns 0 if none is found.
uintptr_t interrupted_program_pc(uintptr_t pc, uintptr_t frame, uintptr_t stack);

}  // namespace baton::rt
