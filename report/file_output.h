// Writing a report file so that it is never half-written: a temporary file beside it, then a
// rename over it once complete.
#pragma once

#include <string>

namespace baton::report {

// False with `error` (one line, naming `path`) when it cannot; `path` is then untouched.
bool write_file_atomically(const std::string& path, const std::string& text, std::string& error);

// Whether a file could be created at `path` (its directory exists and takes a new file):
// checked before a long run, so that a bad output path fails at once.
bool can_write(const std::string& path, std::string& error);

}  // namespace baton::report
