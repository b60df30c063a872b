// What the symbolizer needs from a program's debug information, behind an interface: LLVM's
// DWARF reader implements it in the LLVM plugin (llvm_plugin/), which baton loads only when a
// finding, a trace or `baton lint` needs it (see report/llvm_plugin.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace baton::report {

struct CodeInfo {
    std::string function;  // demangled; empty if unknown
    std::string file;      // as the DWARF line table names it; empty if unknown
    uint32_t line = 0;     // 0 if unknown
    uint32_t column = 0;
};

struct DataInfo {
    std::string name;  // demangled
    uint64_t start = 0;  // offset in the module, like the query
    uint64_t size = 0;
};

class DebugInfo {
public:
    virtual ~DebugInfo() = default;
    // The code at `offset` (from the module's load bias) of the module at `path`.
    virtual CodeInfo code(const std::string& path, uint64_t offset) = 0;
    // The global or static variable whose symbol covers `offset`, if any.
    virtual std::optional<DataInfo> data(const std::string& path, uint64_t offset) = 0;
};

}  // namespace baton::report
