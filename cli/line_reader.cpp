#include "cli/line_reader.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <editline/readline.h>

namespace baton::cli {

LineReader::LineReader() : terminal_(isatty(STDIN_FILENO)) {}

bool LineReader::read(const char* prompt, std::string& line) {
    if (terminal_) {
        // On a terminal: libedit's line editing, and the session's commands as history.
        std::fflush(stdout);
        char* text = readline(prompt);
        if (!text) {
            std::fputs("\n", stdout);
            return false;
        }
        line = text;
        free(text);
        if (line.find_first_not_of(" \t") != std::string::npos) add_history(line.c_str());
        return true;
    }
    if (!std::getline(std::cin, line)) return false;
    std::printf("%s%s\n", prompt, line.c_str());
    return true;
}

}  // namespace baton::cli
