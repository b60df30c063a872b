#include "analyzer/driver.h"

#include <set>

#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendActions.h>
#include <clang/Tooling/ArgumentsAdjusters.h>
#include <clang/Tooling/CompilationDatabase.h>
#include <clang/Tooling/Tooling.h>
#include <llvm/Support/FileSystem.h>

#include "analyzer/extractor.h"
#include "analyzer/source_location.h"

namespace baton::analyzer {

using namespace clang;
using namespace clang::tooling;

namespace {

class ExtractConsumer : public ASTConsumer {
public:
    ExtractConsumer(CompilerInstance& compiler, Program& program)
        : compiler_(compiler), program_(program) {}

    void HandleTranslationUnit(ASTContext& context) override {
        // A broken AST gives broken facts: a file with errors contributes nothing.
        if (compiler_.getDiagnostics().hasErrorOccurred()) return;
        extract_translation_unit(context, program_);
    }

private:
    CompilerInstance& compiler_;
    Program& program_;
};

class ExtractAction : public ASTFrontendAction {
public:
    ExtractAction(AnalysisResult& result) : result_(result) {}

    std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance& compiler, StringRef) override {
        return std::make_unique<ExtractConsumer>(compiler, result_.program);
    }

    void EndSourceFileAction() override {
        std::string file = display_path(getCurrentFile().str());
        if (getCompilerInstance().getDiagnostics().hasErrorOccurred()) result_.failed.push_back(file);
        else result_.analyzed.push_back(file);
    }

private:
    AnalysisResult& result_;
};

class ExtractActionFactory : public FrontendActionFactory {
public:
    explicit ExtractActionFactory(AnalysisResult& result) : result_(result) {}
    std::unique_ptr<FrontendAction> create() override {
        return std::make_unique<ExtractAction>(result_);
    }

private:
    AnalysisResult& result_;
};

std::variant<std::unique_ptr<CompilationDatabase>, std::string> compilation_database(
    const LintOptions& options) {
    std::string error;
    if (options.compiler_flags)
        return std::unique_ptr<CompilationDatabase>(
            std::make_unique<FixedCompilationDatabase>(".", *options.compiler_flags));
    if (options.build_dir) {
        if (!llvm::sys::fs::exists(*options.build_dir))
            return "build directory '" + *options.build_dir + "' does not exist";
        if (!llvm::sys::fs::is_directory(*options.build_dir))
            return "'" + *options.build_dir + "' is not a directory (-p takes the build directory)";
        auto database = CompilationDatabase::loadFromDirectory(*options.build_dir, error);
        if (!database)
            return "no compilation database (compile_commands.json) in '" + *options.build_dir + "'";
        return inferMissingCompileCommands(std::move(database));
    }
    // clang-tidy's convention: a database above the first file, else plain default flags.
    if (auto found = CompilationDatabase::autoDetectFromSource(options.files.front(), error))
        return inferMissingCompileCommands(std::move(found));
    return std::unique_ptr<CompilationDatabase>(
        std::make_unique<FixedCompilationDatabase>(".", std::vector<std::string>{}));
}

}  // namespace

std::variant<AnalysisResult, std::string> analyze_files(const LintOptions& options) {
    for (const std::string& file : options.files) {
        if (llvm::sys::fs::is_directory(file)) return "'" + file + "' is a directory, not a source file";
        if (!llvm::sys::fs::exists(file)) return "no such file: '" + file + "'";
        remember_given_path(file);
    }
    auto database = compilation_database(options);
    if (auto* error = std::get_if<std::string>(&database)) return *error;
    auto& compilations = *std::get<std::unique_ptr<CompilationDatabase>>(database);
    std::vector<std::string> files = options.files;
    if (files.empty()) files = compilations.getAllFiles();
    if (files.empty()) return "the compilation database lists no files";

    ClangTool tool(compilations, files);
    tool.appendArgumentsAdjuster(getInsertArgumentAdjuster(
        "-resource-dir=" BATON_CLANG_RESOURCE_DIR, ArgumentInsertPosition::BEGIN));
    std::vector<std::string> before(options.extra_args_before);
    if (!before.empty())
        tool.appendArgumentsAdjuster(getInsertArgumentAdjuster(before, ArgumentInsertPosition::BEGIN));
    std::vector<std::string> after(options.extra_args);
    // Compiler warnings are not ours to report, and -Werror must not turn them into errors.
    after.push_back("-Wno-everything");
    tool.appendArgumentsAdjuster(getInsertArgumentAdjuster(after, ArgumentInsertPosition::END));

    AnalysisResult result;
    ExtractActionFactory factory(result);
    tool.run(&factory);
    // A file ClangTool could not even start (no command) counts as failed too.
    std::set<std::string> seen(result.analyzed.begin(), result.analyzed.end());
    seen.insert(result.failed.begin(), result.failed.end());
    for (const std::string& file : files)
        if (!seen.count(display_path(file))) result.failed.push_back(display_path(file));
    return result;
}

}  // namespace baton::analyzer
