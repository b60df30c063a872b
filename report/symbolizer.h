// Turns the raw pcs and addresses in runtime records into source locations and variable
// names, with the program's debug information (DWARF line tables and symbol tables, read by
// LLVM in the module loaded on the first question: report/llvm_plugin.h). Frames outside
// the program (libc, libstdc++, baton's runtime) are dropped from stacks, since they are not
// what a student wrote.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "report/debug_info.h"
#include "report/finding.h"

namespace baton::report {

struct Module {
    std::string path;
    uint64_t base = 0;  // load bias
};

struct DataSymbol {
    std::string name;
    uint64_t start = 0;  // run-time address
    uint64_t size = 0;
};

class Symbolizer {
public:
    Symbolizer();
    ~Symbolizer();
    Symbolizer(const Symbolizer&) = delete;
    Symbolizer& operator=(const Symbolizer&) = delete;

    void set_modules(std::vector<Module> modules);

    // The frame of a return address (or of an access, reported by its return address).
    Frame frame(uint64_t pc);
    // The program's frames of a stack of pcs, innermost first; all frames if none is the
    // program's.
    std::vector<Frame> program_frames(const std::vector<uint64_t>& pcs);
    // The global or static variable containing `address`, if any.
    std::optional<DataSymbol> data(uint64_t address);

    bool is_program_module(const std::string& path) const;
    // Paths under the current directory are shown relative to it.
    std::string display_path(const std::string& path) const;

private:
    const Module* module_of(uint64_t address) const;
    DebugInfo& debug_info();

    std::unique_ptr<DebugInfo> debug_info_;  // loaded on first use
    std::vector<Module> modules_;  // sorted by base
    std::string cwd_;
};

}  // namespace baton::report
