// The entry point of libbaton_llvm.so: the table report/llvm_plugin.cpp looks up with dlsym.
#include "analyzer/lint.h"
#include "llvm_plugin/debug_info.h"
#include "report/llvm_plugin.h"

namespace {

const baton::report::LlvmPlugin kPlugin{
    baton::report::kLlvmPluginAbi,
    &baton::llvm_plugin::make_debug_info,
    &baton::analyzer::lint_main,
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const baton::report::LlvmPlugin* baton_llvm_plugin() {
    return &kPlugin;
}
