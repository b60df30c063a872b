#include "report/llvm_plugin.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace baton::report {
namespace {

[[noreturn]] void fail(const std::string& why) {
    std::fprintf(stderr, "baton: %s\n", why.c_str());
    std::exit(2);
}

const LlvmPlugin& load() {
    std::error_code error;
    std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
    std::string path = (self.parent_path().parent_path() / "lib" / "libbaton_llvm.so").string();
    void* module = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!module) fail("cannot load baton's LLVM module: " + std::string(dlerror()));
    using Entry = const LlvmPlugin* (*)();
    auto entry = reinterpret_cast<Entry>(dlsym(module, "baton_llvm_plugin"));
    if (!entry) fail(path + " is not baton's LLVM module (no baton_llvm_plugin)");
    const LlvmPlugin* plugin = entry();
    if (plugin->abi != kLlvmPluginAbi) fail(path + " belongs to another build of baton: rebuild baton");
    return *plugin;
}

}  // namespace

const LlvmPlugin& llvm_plugin() {
    static const LlvmPlugin& plugin = load();
    return plugin;
}

}  // namespace baton::report
