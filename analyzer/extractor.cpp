#include "analyzer/extractor.h"

#include <map>
#include <set>

#include <clang/AST/ASTContext.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/SourceManager.h>

#include "analyzer/function_facts.h"
#include "analyzer/lock_key.h"
#include "analyzer/source_location.h"

namespace baton::analyzer {

using namespace clang;

namespace {

// Finds the function bodies to analyze and the locals that lambdas capture by reference.
class Collector : public RecursiveASTVisitor<Collector> {
public:
    explicit Collector(ASTContext& context) : context_(context) {}

    bool shouldVisitTemplateInstantiations() const { return true; }
    bool shouldVisitLambdaBody() const { return true; }

    bool VisitFunctionDecl(FunctionDecl* function) {
        if (!function->doesThisDeclarationHaveABody() || function->isDependentContext()) return true;
        if (context_.getSourceManager().isInSystemHeader(function->getLocation())) return true;
        functions.push_back(function);
        return true;
    }

    bool VisitLambdaExpr(LambdaExpr* lambda) {
        for (const LambdaCapture& capture : lambda->captures())
            if (capture.capturesVariable() && capture.getCaptureKind() == LCK_ByRef)
                if (const auto* var = dyn_cast<VarDecl>(capture.getCapturedVar()))
                    if (!var->hasGlobalStorage()) captured_by_reference.insert(var);
        if (CXXMethodDecl* call = lambda->getCallOperator(); call && !call->isDependentContext())
            if (!context_.getSourceManager().isInSystemHeader(lambda->getBeginLoc()))
                functions.push_back(call);
        return true;
    }

    std::vector<const FunctionDecl*> functions;
    std::set<const VarDecl*> captured_by_reference;

private:
    ASTContext& context_;
};

class TranslationUnit {
public:
    TranslationUnit(ASTContext& context, Program& program, Collector& collected)
        : context_(context), program_(program), collected_(collected) {
        for (const FunctionDecl* function : collected.functions)
            bodies_[function->getCanonicalDecl()] = function;
    }

    void analyze_all() {
        for (const FunctionDecl* function : collected_.functions) analyze(function);
    }

private:
    // Analyzes `function` once; a callee met while analyzing is analyzed first. Recursion
    // (a callee already in progress) gets no summary.
    const Function* analyze(const FunctionDecl* function) {
        std::string usr = usr_of(function);
        if (auto found = program_.functions.find(usr); found != program_.functions.end())
            return in_progress_.count(usr) ? nullptr : &found->second;
        in_progress_.insert(usr);
        Function facts;
        auto summary_of = [this](const FunctionDecl* callee) -> const Function* {
            auto body = bodies_.find(callee->getCanonicalDecl());
            if (body != bodies_.end()) return analyze(body->second);
            auto known = program_.functions.find(usr_of(callee));
            return known == program_.functions.end() ? nullptr : &known->second;
        };
        program_.functions[usr];  // reserve the slot: a recursive call finds it in progress
        bool built = build_function_facts(*function, context_, program_, summary_of,
                                          collected_.captured_by_reference, facts);
        in_progress_.erase(usr);
        if (!built) {
            program_.functions.erase(usr);
            return nullptr;
        }
        Function& slot = program_.functions[usr];
        slot = std::move(facts);
        return &slot;
    }

    ASTContext& context_;
    Program& program_;
    Collector& collected_;
    std::map<const FunctionDecl*, const FunctionDecl*> bodies_;
    std::set<std::string> in_progress_;
};

}  // namespace

void extract_translation_unit(ASTContext& context, Program& program) {
    Collector collector(context);
    collector.TraverseDecl(context.getTranslationUnitDecl());
    TranslationUnit unit(context, program, collector);
    unit.analyze_all();
    const SourceManager& sources = context.getSourceManager();
    if (const FileEntry* main = sources.getFileEntryForID(sources.getMainFileID()))
        program.analyzed_files.insert(display_path(main->getName().str()));
}

}  // namespace baton::analyzer
