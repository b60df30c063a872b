// The per-file half of `baton lint`: walks one translation unit's AST and adds what it says
// about every function defined outside system headers to the program model. Callees are
// analyzed before their callers so that lock summaries flow upwards within the file.
#pragma once

#include "analyzer/program.h"

namespace clang {
class ASTContext;
}

namespace baton::analyzer {

void extract_translation_unit(clang::ASTContext& context, Program& program);

}  // namespace baton::analyzer
