#include "analyzer/function_name.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/DeclCXX.h>

#include "analyzer/source_location.h"

namespace baton::analyzer {

std::string function_name(const clang::FunctionDecl& function) {
    const auto* method = llvm::dyn_cast<clang::CXXMethodDecl>(&function);
    if (method && method->getParent()->isLambda()) {
        auto where = to_report_location(method->getParent()->getBeginLoc(), function.getASTContext());
        return "lambda at " + where.file + ":" + std::to_string(where.line);
    }
    return function.getQualifiedNameAsString();
}

}  // namespace baton::analyzer
