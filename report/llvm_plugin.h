// baton's use of LLVM and Clang (the DWARF symbolizer and the static analyzer) lives in one
// shared module, libbaton_llvm.so, beside libbaton_rt.so. Loading libLLVM and libclang-cpp
// costs ~70 ms of dynamic linking per process, more than a whole DPOR search of a small
// program, so `baton` does not link them: the module is loaded on first use (a finding or a
// trace to name, `baton lint`) and never for a check that finds nothing.
#pragma once

#include <memory>

#include "report/debug_info.h"

namespace baton::report {

// The table the module exports as `baton_llvm_plugin`. `abi` must equal kLlvmPluginAbi: a
// module from another build of baton is refused rather than called with another layout.
struct LlvmPlugin {
    int abi;
    std::unique_ptr<DebugInfo> (*make_debug_info)();
    int (*lint_main)(int argc, const char** argv);  // `baton lint ARGS...`, returns the exit status
};

inline constexpr int kLlvmPluginAbi = 1;

// Loads the module (once per process) from the directory ../lib beside the running
// executable. If it cannot be loaded, prints one line and exits with status 2: baton's
// installation is broken and no result would be right.
const LlvmPlugin& llvm_plugin();

}  // namespace baton::report
