#include "cli/line_reader.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace baton::cli {

LineReader::LineReader() : terminal_(isatty(STDIN_FILENO)) {}

bool LineReader::read(const char* prompt, std::string& line) {
    if (terminal_) {
        std::fputs(prompt, stdout);
        std::fflush(stdout);
    }
    if (!std::getline(std::cin, line)) {
        if (terminal_) std::fputs("\n", stdout);
        return false;
    }
    if (!terminal_) std::printf("%s%s\n", prompt, line.c_str());
    return true;
}

}  // namespace baton::cli
