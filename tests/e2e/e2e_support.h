// Helpers for end-to-end tests: run a command, capture its output and exit status.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace baton::e2e {

struct CommandResult {
    int status = -1;  // exit status, or 128 + signal
    std::string out;
    std::string err;
};

CommandResult run_command(const std::vector<std::string>& command, const std::string& directory = "");
// The same, with `input` (up to a pipe's capacity, 64 KiB) on the command's stdin.
CommandResult run_command_with_input(const std::vector<std::string>& command, const std::string& input,
                                     const std::string& directory = "");

// On a terminal (a pseudo-terminal): each of `lines` is typed once the command has printed
// `prompt` one more time; everything the terminal showed comes back in `out`.
CommandResult run_on_terminal(const std::vector<std::string>& command, const std::vector<std::string>& lines,
                              const std::string& prompt);

// A C program of `threads` threads that each take the same mutex once to increment a shared
// counter (K! orders of the critical sections, nothing else matters); with `own_mutex`, each
// takes its own mutex and touches its own data (a single Mazurkiewicz trace).
std::string workers_program(int threads, bool own_mutex);

// A C program of two threads that increment `shared` with no lock: a data race on 'shared'.
std::string racy_counter_program();
// A C program whose worker takes and releases a lock for ever (lines 8 to 10) while main
// joins it: every execution hangs.
std::string locks_forever_program();

std::string baton_binary(const char* name);  // build/bin/<name>
std::string source_path(const std::string& relative);

// A fresh directory under /tmp, removed with everything in it at the end of the scope.
class TempDir {
public:
    TempDir() {
        char pattern[] = "/tmp/baton-test.XXXXXX";
        path_ = mkdtemp(pattern);
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    // The path of `name` in the directory; with `text`, the file is written first.
    std::string file(const std::string& name, const std::string& text = "") const {
        std::string path = path_ + "/" + name;
        if (!text.empty()) std::ofstream(path) << text;
        return path;
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace baton::e2e
