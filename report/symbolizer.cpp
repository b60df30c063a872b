#include "report/symbolizer.h"

#include "report/llvm_plugin.h"

#include <algorithm>
#include <filesystem>

namespace baton::report {
namespace {

bool starts_with(const std::string& s, std::string_view prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// Lambdas as a person would name them: clang's "main::$_0::operator()() const" and gcc's
// "main::{lambda()#1}::operator()() const" become "lambda in main".
std::string readable_function(const std::string& name) {
    size_t clang_lambda = name.find("::$_");
    size_t gcc_lambda = name.find("::{lambda(");
    size_t cut = std::min(clang_lambda, gcc_lambda);
    if (cut == std::string::npos || name.find("::operator()", cut) == std::string::npos) return name;
    return "lambda in " + name.substr(0, cut);
}

}  // namespace

Symbolizer::Symbolizer() {
    std::error_code error;
    cwd_ = std::filesystem::current_path(error).string();
}

Symbolizer::~Symbolizer() = default;

DebugInfo& Symbolizer::debug_info() {
    if (!debug_info_) debug_info_ = llvm_plugin().make_debug_info();
    return *debug_info_;
}

void Symbolizer::set_modules(std::vector<Module> modules) {
    std::sort(modules.begin(), modules.end(),
              [](const Module& a, const Module& b) { return a.base < b.base; });
    modules_ = std::move(modules);
}

const Module* Symbolizer::module_of(uint64_t address) const {
    const Module* found = nullptr;
    for (const Module& module : modules_) {
        if (module.base > address) break;
        found = &module;
    }
    return found;
}

bool Symbolizer::is_program_module(const std::string& path) const {
    if (path.empty() || path.find("linux-vdso") != std::string::npos) return false;
    if (path.find("libbaton_rt") != std::string::npos) return false;
    for (std::string_view system : {"/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/"})
        if (starts_with(path, system)) return false;
    return true;
}

std::string Symbolizer::display_path(const std::string& path) const {
    if (!cwd_.empty() && starts_with(path, cwd_ + "/")) return path.substr(cwd_.size() + 1);
    return path;
}

Frame Symbolizer::frame(uint64_t pc) {
    Frame frame;
    const Module* module = module_of(pc);
    if (!module) return frame;
    frame.module = module->path;
    // A return address points after the call: its line is that of the byte before.
    frame.offset = pc - module->base - 1;
    CodeInfo info = debug_info().code(module->path, frame.offset);
    frame.location.function = readable_function(info.function);
    std::string file = info.file;
    if (!file.empty()) file = std::filesystem::path(file).lexically_normal().string();
    if (!file.empty() && info.line > 0) {
        frame.location.file = display_path(file);
        frame.location.line = static_cast<int>(info.line);
        frame.location.column = static_cast<int>(info.column);
    }
    return frame;
}

namespace {

// Code the program's author did not write, though compiled into the program: inline
// functions of the C and C++ standard libraries' headers.
bool is_system_header(const std::string& file) {
    for (std::string_view prefix : {"/usr/include/", "/usr/lib/gcc/", "/usr/lib/llvm-", "/usr/local/include/"})
        if (starts_with(file, prefix)) return true;
    return false;
}

}  // namespace

std::vector<Frame> Symbolizer::program_frames(const std::vector<uint64_t>& pcs) {
    std::vector<Frame> all, program, authored;
    for (uint64_t pc : pcs) {
        Frame f = frame(pc);
        if (is_program_module(f.module) && f.location.known()) {
            program.push_back(f);
            if (!is_system_header(f.location.file)) authored.push_back(f);
        }
        all.push_back(std::move(f));
    }
    if (!authored.empty()) return authored;
    return program.empty() ? all : program;
}

std::optional<DataSymbol> Symbolizer::data(uint64_t address) {
    const Module* module = module_of(address);
    if (!module) return std::nullopt;
    std::optional<DataInfo> global = debug_info().data(module->path, address - module->base);
    if (!global) return std::nullopt;
    uint64_t start = global->start + module->base;
    if (address < start || address >= start + global->size) return std::nullopt;
    return DataSymbol{global->name, start, global->size};
}

}  // namespace baton::report
