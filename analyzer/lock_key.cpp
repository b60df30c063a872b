#include "analyzer/lock_key.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Expr.h>
#include <clang/AST/ExprCXX.h>
#include <clang/Index/USRGeneration.h>
#include <clang/Lex/Lexer.h>
#include <llvm/ADT/SmallString.h>

namespace baton::analyzer {

using namespace clang;

std::string usr_of(const Decl* decl) {
    llvm::SmallString<128> buffer;
    if (index::generateUSRForDecl(decl, buffer)) return {};
    return std::string(buffer);
}

std::string parameter_root(const std::string& function_usr, unsigned index) {
    return "{P" + std::to_string(index) + "@" + function_usr + "}";
}

std::string substitute_parameter(const std::string& key, const std::string& function_usr,
                                 unsigned index, const std::string& argument) {
    std::string root = parameter_root(function_usr, index);
    if (key.compare(0, root.size(), root) != 0) return {};
    return argument + key.substr(root.size());
}

bool is_parameter_key(const std::string& key) { return key.rfind("{P", 0) == 0; }

static std::optional<KeyPath> variable_key(const VarDecl* var, const FunctionDecl* within) {
    if (const auto* param = dyn_cast<ParmVarDecl>(var)) {
        // A reference parameter names the caller's object, like a pointer parameter's pointee.
        if (within && param->getType()->isReferenceType())
            return KeyPath{parameter_root(usr_of(within), param->getFunctionScopeIndex())};
    }
    KeyPath path{"{" + usr_of(var) + "}", var};
    return path;
}

static std::string index_text(const ArraySubscriptExpr* subscript, bool& dynamic) {
    if (const auto* literal = dyn_cast<IntegerLiteral>(subscript->getIdx()->IgnoreParenImpCasts()))
        return "[" + std::to_string(literal->getValue().getZExtValue()) + "]";
    dynamic = true;
    return "[*]";
}

std::optional<KeyPath> lvalue_key(const Expr* lvalue, const FunctionDecl* within) {
    if (!lvalue) return std::nullopt;
    const Expr* e = lvalue->IgnoreParens();
    if (const auto* cast = dyn_cast<ImplicitCastExpr>(e); cast && cast->getCastKind() == CK_NoOp)
        return lvalue_key(cast->getSubExpr(), within);
    if (const auto* ref = dyn_cast<DeclRefExpr>(e)) {
        if (const auto* var = dyn_cast<VarDecl>(ref->getDecl())) return variable_key(var, within);
        return std::nullopt;
    }
    if (const auto* member = dyn_cast<MemberExpr>(e)) {
        auto base = member->isArrow() ? pointee_key(member->getBase(), within)
                                      : lvalue_key(member->getBase(), within);
        if (!base) return std::nullopt;
        base->key += "." + member->getMemberDecl()->getNameAsString();
        return base;
    }
    if (const auto* subscript = dyn_cast<ArraySubscriptExpr>(e)) {
        auto base = pointee_key(subscript->getBase(), within);
        if (!base) return std::nullopt;
        // pointee_key of a decayed array appended "[0]"; replace it by the real index.
        if (base->key.size() >= 3 && base->key.compare(base->key.size() - 3, 3, "[0]") == 0)
            base->key.resize(base->key.size() - 3);
        base->key += index_text(subscript, base->dynamic_index);
        return base;
    }
    if (const auto* unary = dyn_cast<UnaryOperator>(e); unary && unary->getOpcode() == UO_Deref)
        return pointee_key(unary->getSubExpr(), within);
    return std::nullopt;
}

std::optional<KeyPath> pointee_key(const Expr* pointer, const FunctionDecl* within) {
    if (!pointer) return std::nullopt;
    const Expr* e = pointer->IgnoreParens();
    if (const auto* cast = dyn_cast<CastExpr>(e)) {
        if (cast->getCastKind() == CK_ArrayToPointerDecay) {
            auto array = lvalue_key(cast->getSubExpr(), within);
            if (array) array->key += "[0]";
            return array;
        }
        return pointee_key(cast->getSubExpr(), within);
    }
    if (const auto* unary = dyn_cast<UnaryOperator>(e); unary && unary->getOpcode() == UO_AddrOf)
        return lvalue_key(unary->getSubExpr(), within);
    if (isa<CXXThisExpr>(e)) {
        const auto* record = cast<CXXThisExpr>(e)->getType()->getPointeeCXXRecordDecl();
        return KeyPath{"{this:" + (record ? record->getQualifiedNameAsString() : "?") + "}"};
    }
    if (const auto* ref = dyn_cast<DeclRefExpr>(e)) {
        const auto* param = dyn_cast<ParmVarDecl>(ref->getDecl());
        if (param && within && param->getDeclContext() == within)
            return KeyPath{parameter_root(usr_of(within), param->getFunctionScopeIndex())};
    }
    // A pointer held in a variable or a field: the key names "what it points to".
    auto holder = lvalue_key(e, within);
    if (!holder) return std::nullopt;
    holder->key += "->";
    holder->through_pointer = true;
    return holder;
}

std::string spelled(const Expr* expr, const ASTContext& context) {
    const SourceManager& sources = context.getSourceManager();
    CharSourceRange range = CharSourceRange::getTokenRange(expr->getSourceRange());
    std::string text =
        Lexer::getSourceText(sources.getExpansionRange(range), sources, context.getLangOpts()).str();
    std::string compact;
    for (char c : text)
        if (c != ' ' && c != '\t' && c != '\n') compact += c;
    while (!compact.empty() && (compact[0] == '&' || compact[0] == '(')) {
        if (compact[0] == '(' && compact.back() == ')') compact = compact.substr(1, compact.size() - 2);
        else if (compact[0] == '&') compact.erase(0, 1);
        else break;
    }
    return compact;
}

}  // namespace baton::analyzer
