// Getting from what the user named to an instrumented executable: a C or C++ source file is
// built with baton-cc / baton-c++ into a temporary directory; an executable is checked for
// baton's instrumentation. Every failure is one clear sentence for the user.
#pragma once

#include <string>

namespace baton::cli {

struct PreparedProgram {
    std::string executable;  // what to run
    std::string temporary_directory;  // to remove afterwards (empty if none)
};

// Returns false and sets `error` ("cannot read 'x.c': No such file or directory", ...).
// The compiler's own diagnostics, if any, have already gone to stderr.
bool prepare_program(const std::string& path, PreparedProgram& program, std::string& error);

void remove_prepared(const PreparedProgram& program);

// Why `path` cannot run under baton (empty if it can): not ELF, not instrumented, built with
// ThreadSanitizer's own runtime.
std::string instrumentation_problem(const std::string& path);

bool is_source_file(const std::string& path);
bool is_cxx_source(const std::string& path);  // built with baton-c++

}  // namespace baton::cli
