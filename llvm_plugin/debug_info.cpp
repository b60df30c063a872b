// The DebugInfo of report/debug_info.h over LLVM's symbolizer (DWARF line tables and symbol
// tables), with LLVM's demangler for variable names.
#include "llvm_plugin/debug_info.h"

#include <llvm/DebugInfo/Symbolize/Symbolize.h>
#include <llvm/Demangle/Demangle.h>

namespace baton::llvm_plugin {
namespace {

std::string clean_name(const std::string& name) {
    if (name == llvm::DILineInfo::BadString) return "";
    return name;
}

class LlvmDebugInfo final : public report::DebugInfo {
public:
    LlvmDebugInfo() {
        llvm::symbolize::LLVMSymbolizer::Options options;
        options.Demangle = true;
        options.PathStyle = llvm::DILineInfoSpecifier::FileLineInfoKind::AbsoluteFilePath;
        symbolizer_ = std::make_unique<llvm::symbolize::LLVMSymbolizer>(options);
    }

    report::CodeInfo code(const std::string& path, uint64_t offset) override {
        auto info = symbolizer_->symbolizeCode(path, {offset, llvm::object::SectionedAddress::UndefSection});
        if (!info) {
            llvm::consumeError(info.takeError());
            return {};
        }
        return {clean_name(info->FunctionName), clean_name(info->FileName), info->Line, info->Column};
    }

    std::optional<report::DataInfo> data(const std::string& path, uint64_t offset) override {
        auto global = symbolizer_->symbolizeData(path, {offset, llvm::object::SectionedAddress::UndefSection});
        if (!global) {
            llvm::consumeError(global.takeError());
            return std::nullopt;
        }
        std::string name = clean_name(global->Name);
        if (name.empty() || global->Size == 0) return std::nullopt;
        return report::DataInfo{llvm::demangle(name), global->Start, global->Size};
    }

private:
    std::unique_ptr<llvm::symbolize::LLVMSymbolizer> symbolizer_;
};

}  // namespace

std::unique_ptr<report::DebugInfo> make_debug_info() {
    return std::make_unique<LlvmDebugInfo>();
}

}  // namespace baton::llvm_plugin
