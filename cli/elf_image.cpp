#include "cli/elf_image.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>

namespace baton::cli {
namespace {

// The file's bytes with bounds-checked views into them.
class Bytes {
public:
    explicit Bytes(std::string data) : data_(std::move(data)) {}

    template <typename T>
    std::optional<T> read(uint64_t offset) const {
        if (offset > data_.size() || data_.size() - offset < sizeof(T)) return std::nullopt;
        T value;
        std::memcpy(&value, data_.data() + offset, sizeof(T));
        return value;
    }

    // The NUL-terminated string at `offset` inside the table [table, table + size).
    std::string string_at(uint64_t table, uint64_t size, uint64_t offset) const {
        if (table > data_.size() || size > data_.size() - table || offset >= size) return "";
        std::string_view strings(data_.data() + table, size);
        size_t end = strings.find('\0', offset);
        return std::string(strings.substr(offset, end == std::string_view::npos ? end : end - offset));
    }

private:
    std::string data_;
};

// nullopt if the table lies (partly) outside the file: a truncated file is not an executable.
std::optional<std::vector<Elf64_Shdr>> section_headers(const Bytes& bytes, const Elf64_Ehdr& header) {
    std::vector<Elf64_Shdr> sections;
    if (header.e_shnum > 0 && header.e_shentsize != sizeof(Elf64_Shdr)) return std::nullopt;
    for (uint64_t i = 0; i < header.e_shnum; ++i) {
        auto section = bytes.read<Elf64_Shdr>(header.e_shoff + i * sizeof(Elf64_Shdr));
        if (!section) return std::nullopt;
        sections.push_back(*section);
    }
    return sections;
}

// The string table a section links to (sh_link), or an empty one.
std::pair<uint64_t, uint64_t> linked_strings(const std::vector<Elf64_Shdr>& sections, const Elf64_Shdr& section) {
    if (section.sh_link >= sections.size()) return {0, 0};
    const Elf64_Shdr& strings = sections[section.sh_link];
    return {strings.sh_offset, strings.sh_size};
}

}  // namespace

std::optional<ElfImage> read_elf_image(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    Bytes bytes(std::string(std::istreambuf_iterator<char>(in), {}));
    auto header = bytes.read<Elf64_Ehdr>(0);
    if (!header || std::memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 || header->e_ident[EI_CLASS] != ELFCLASS64 ||
        header->e_ident[EI_DATA] != ELFDATA2LSB)
        return std::nullopt;
    std::optional<std::vector<Elf64_Shdr>> sections = section_headers(bytes, *header);
    if (!sections) return std::nullopt;
    ElfImage image;
    image.x86_64_executable =
        header->e_machine == EM_X86_64 && (header->e_type == ET_EXEC || header->e_type == ET_DYN);
    for (const Elf64_Shdr& section : *sections) {
        auto [strings, strings_size] = linked_strings(*sections, section);
        if (section.sh_type == SHT_DYNSYM && section.sh_entsize == sizeof(Elf64_Sym)) {
            // Entry 0 is the reserved null symbol.
            for (uint64_t i = 1; i < section.sh_size / sizeof(Elf64_Sym); ++i) {
                auto symbol = bytes.read<Elf64_Sym>(section.sh_offset + i * sizeof(Elf64_Sym));
                if (!symbol) break;
                image.dynamic_symbols.push_back(
                    {bytes.string_at(strings, strings_size, symbol->st_name), symbol->st_shndx != SHN_UNDEF});
            }
        } else if (section.sh_type == SHT_DYNAMIC && section.sh_entsize == sizeof(Elf64_Dyn)) {
            for (uint64_t i = 0; i < section.sh_size / sizeof(Elf64_Dyn); ++i) {
                auto entry = bytes.read<Elf64_Dyn>(section.sh_offset + i * sizeof(Elf64_Dyn));
                if (!entry || entry->d_tag == DT_NULL) break;
                if (entry->d_tag == DT_NEEDED)
                    image.needed_libraries.push_back(bytes.string_at(strings, strings_size, entry->d_un.d_val));
            }
        }
    }
    return image;
}

}  // namespace baton::cli
