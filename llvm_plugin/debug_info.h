// LLVM's DWARF symbolizer as baton's report::DebugInfo.
#pragma once

#include <memory>

#include "report/debug_info.h"

namespace baton::llvm_plugin {

std::unique_ptr<report::DebugInfo> make_debug_info();

}  // namespace baton::llvm_plugin
