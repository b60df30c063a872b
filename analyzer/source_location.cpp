#include "analyzer/source_location.h"

#include <clang/AST/ASTContext.h>
#include <clang/Basic/SourceManager.h>
#include <map>

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

namespace baton::analyzer {

namespace {
std::string& root() {
    static std::string directory;
    return directory;
}

std::map<std::string, std::string>& given_paths() {
    static std::map<std::string, std::string> paths;  // absolute -> as given
    return paths;
}

std::string absolute_path(const std::string& path) {
    llvm::SmallString<256> absolute(path);
    llvm::sys::fs::make_absolute(absolute);
    llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
    return std::string(absolute);
}
}  // namespace

void remember_given_path(const std::string& given) { given_paths()[absolute_path(given)] = given; }

void set_display_root(const std::string& directory) { root() = directory; }

const std::string& display_root() { return root(); }

std::string display_path(const std::string& path) {
    std::string text = absolute_path(path);
    if (auto given = given_paths().find(text); given != given_paths().end()) return given->second;
    if (root().empty()) return text;
    std::string prefix = root() + "/";
    if (text.compare(0, prefix.size(), prefix) == 0) return text.substr(prefix.size());
    return text;
}

report::SourceLocation to_report_location(clang::SourceLocation location,
                                          const clang::ASTContext& context,
                                          const std::string& function) {
    report::SourceLocation result;
    result.function = function;
    if (location.isInvalid()) return result;
    const clang::SourceManager& sources = context.getSourceManager();
    clang::PresumedLoc presumed = sources.getPresumedLoc(sources.getExpansionLoc(location));
    if (presumed.isInvalid()) return result;
    result.file = display_path(presumed.getFilename());
    result.line = static_cast<int>(presumed.getLine());
    result.column = static_cast<int>(presumed.getColumn());
    return result;
}

unsigned file_offset(clang::SourceLocation location, const clang::ASTContext& context) {
    if (location.isInvalid()) return 0;
    const clang::SourceManager& sources = context.getSourceManager();
    return sources.getFileOffset(sources.getExpansionLoc(location));
}

}  // namespace baton::analyzer
