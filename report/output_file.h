// Writing a report or baseline file whole or not at all: the text goes to a temporary file
// beside the target, which is renamed over it only once complete, so a failure never leaves
// half a report where CI or a later `--baseline` would read it.
#pragma once

#include <optional>
#include <string>

namespace baton::report {

// Writes `text` to `path`; on failure returns the one line saying why (nothing is left behind).
std::optional<std::string> write_file_atomically(const std::string& path, const std::string& text);

}  // namespace baton::report
