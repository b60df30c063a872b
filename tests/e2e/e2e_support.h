// Helpers for end-to-end tests: run a command, capture its output and exit status.
#pragma once

#include <string>
#include <vector>

namespace baton::e2e {

struct CommandResult {
    int status = -1;  // exit status, or 128 + signal
    std::string out;
    std::string err;
};

CommandResult run_command(const std::vector<std::string>& command, const std::string& directory = "");

std::string baton_binary(const char* name);  // build/bin/<name>
std::string source_path(const std::string& relative);

}  // namespace baton::e2e
