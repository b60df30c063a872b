// Reads what baton needs to know about an executable before running it (its type, its dynamic
// symbols' names and whether they are defined, the libraries it needs) straight from the ELF
// file with <elf.h>, so that `baton check` does not load LLVM to look at a binary. Only
// 64-bit little-endian x86-64 files are accepted; every offset is checked against the file's
// size, so a truncated or malformed file is "not an executable", never a crash.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace baton::cli {

struct DynamicSymbol {
    std::string name;
    bool defined = false;  // has a section (not an import)
};

struct ElfImage {
    bool x86_64_executable = false;  // EM_X86_64, ET_EXEC or ET_DYN
    std::vector<DynamicSymbol> dynamic_symbols;
    std::vector<std::string> needed_libraries;  // DT_NEEDED
};

// nullopt if `path` cannot be read or is not a 64-bit little-endian ELF file.
std::optional<ElfImage> read_elf_image(const std::string& path);

}  // namespace baton::cli
