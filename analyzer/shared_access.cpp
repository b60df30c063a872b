#include "analyzer/shared_access.h"

#include <clang/AST/Expr.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/ParentMap.h>

#include "analyzer/sync_api.h"

namespace baton::analyzer {

using namespace clang;

bool is_shared_storage(const VarDecl& var, const std::set<const VarDecl*>& captured_by_reference) {
    if (captured_by_reference.count(&var)) return !is_sync_or_atomic(var.getType());
    if (!var.hasGlobalStorage() || var.getTLSKind() != VarDecl::TLS_None) return false;
    if (var.getType().isConstQualified() || var.isConstexpr()) return false;
    if (var.getType()->isFunctionType()) return false;
    return !is_sync_or_atomic(var.getType());
}

// True when `parent` just names part of `child`'s object (a field, an element) so the use is
// decided further up.
static bool extends_lvalue(const Stmt* parent, const Stmt* child, const ParentMap& parents) {
    if (isa<ParenExpr>(parent)) return true;
    if (const auto* cast = dyn_cast<ImplicitCastExpr>(parent)) {
        if (cast->getCastKind() == CK_NoOp) return true;
        if (cast->getCastKind() != CK_ArrayToPointerDecay) return false;
        const auto* subscript = dyn_cast_or_null<ArraySubscriptExpr>(parents.getParent(cast));
        return subscript && subscript->getBase() == cast;
    }
    if (const auto* member = dyn_cast<MemberExpr>(parent))
        return !member->isArrow() && member->getBase() == child && isa<FieldDecl>(member->getMemberDecl());
    if (const auto* subscript = dyn_cast<ArraySubscriptExpr>(parent))
        return subscript->getBase() == child;
    return false;
}

// Whether a call writes through its argument at `index`: a non-const pointer or reference.
static bool call_writes_argument(const CallExpr& call, unsigned index) {
    const FunctionDecl* callee = call.getDirectCallee();
    if (!callee || index >= callee->getNumParams()) return !callee;  // variadic: may write
    QualType type = callee->getParamDecl(index)->getType();
    if (!type->isPointerType() && !type->isReferenceType()) return false;
    return !type->getPointeeType().isConstQualified();
}

static void classify_by_parent(const Stmt* parent, const Expr* top, const ParentMap& parents,
                               SharedUse& use) {
    if (const auto* binary = dyn_cast<BinaryOperator>(parent)) {
        if (binary->isAssignmentOp() && binary->getLHS() == top) {
            use.writes = true;
            use.reads = binary->isCompoundAssignmentOp();
            return;
        }
    } else if (const auto* unary = dyn_cast<UnaryOperator>(parent)) {
        if (unary->isIncrementDecrementOp()) use.reads = use.writes = true;
        else if (unary->getOpcode() != UO_AddrOf) use.reads = true;
        return;  // `&x`: the address alone touches nothing
    } else if (const auto* cast = dyn_cast<ImplicitCastExpr>(parent)) {
        if (cast->getCastKind() == CK_ArrayToPointerDecay) {
            // An array handed to a function that writes through the pointer (strcpy, sprintf).
            const auto* call = dyn_cast_or_null<CallExpr>(parents.getParent(cast));
            for (unsigned i = 0; call && i < call->getNumArgs(); ++i)
                if (call->getArg(i)->IgnoreParens() == cast && call_writes_argument(*call, i))
                    use.writes = true;
            use.reads = !use.writes;
            return;
        }
    } else if (const auto* member_call = dyn_cast<CXXMemberCallExpr>(parent)) {
        const auto* object = member_call->getImplicitObjectArgument();
        if (object && object->IgnoreParenImpCasts() == top) {
            const CXXMethodDecl* method = member_call->getMethodDecl();
            (method && method->isConst() ? use.reads : use.writes) = true;
            return;
        }
    } else if (const auto* call = dyn_cast<CallExpr>(parent)) {
        for (unsigned i = 0; i < call->getNumArgs(); ++i) {
            if (call->getArg(i) != top) continue;
            const auto* method = dyn_cast_or_null<CXXMethodDecl>(call->getDirectCallee());
            bool is_object = method && isa<CXXOperatorCallExpr>(call) && i == 0;
            if (is_object) (method->isConst() ? use.reads : use.writes) = true;
            else (call_writes_argument(*call, i) ? use.writes : use.reads) = true;
            return;
        }
    }
    use.reads = true;
}

std::optional<SharedUse> shared_use(const DeclRefExpr& ref, const ParentMap& parents,
                                    const FunctionDecl& within,
                                    const std::set<const VarDecl*>& captured_by_reference) {
    const auto* var = dyn_cast<VarDecl>(ref.getDecl());
    if (!var || !is_shared_storage(*var, captured_by_reference)) return std::nullopt;
    const Stmt* child = &ref;
    const Stmt* parent = parents.getParent(child);
    while (parent && extends_lvalue(parent, child, parents)) {
        child = parent;
        parent = parents.getParent(child);
    }
    const auto* top = cast<Expr>(child);
    if (is_sync_or_atomic(top->getType())) return std::nullopt;
    if (parent && isa<UnaryOperator>(parent) &&
        cast<UnaryOperator>(parent)->getOpcode() == UO_AddrOf)
        return std::nullopt;
    auto path = lvalue_key(top, &within);
    if (!path || path->through_pointer) return std::nullopt;
    SharedUse use{*path, top};
    if (!parent) use.reads = true;
    else classify_by_parent(parent, top, parents, use);
    return use;
}

}  // namespace baton::analyzer
