// Turning Clang's source locations into the report model's: file as the user would write it
// (relative to the working directory when below it), 1-based line and column of the spelling
// the user sees (a macro's expansion site), and the file offset the spawn ranges compare.
#pragma once

#include <string>

#include "report/finding.h"

namespace clang {
class ASTContext;
class SourceLocation;
}  // namespace clang

namespace baton::analyzer {

report::SourceLocation to_report_location(clang::SourceLocation location,
                                          const clang::ASTContext& context,
                                          const std::string& function = {});

// Offset of the expansion location inside its file; 0 when invalid.
unsigned file_offset(clang::SourceLocation location, const clang::ASTContext& context);

// `path` (resolved against the current directory) relative to the display root when it
// lies below it, else absolute. The root is the directory `baton lint` was started in:
// ClangTool moves into each compile command's directory while it parses.
std::string display_path(const std::string& path);
void set_display_root(const std::string& directory);
// Reports name an input file the way the command line did (`../src/a.c` stays so).
void remember_given_path(const std::string& given);
const std::string& display_root();

}  // namespace baton::analyzer
