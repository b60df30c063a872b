// Where `baton explore` reads its commands: stdin, one line at a time. On a terminal, with
// line editing and history (libedit); piped or redirected, each command is echoed after the
// prompt so that a script's transcript reads like a session.
#pragma once

#include <string>

namespace baton::cli {

class LineReader {
public:
    LineReader();
    // False at the end of the input.
    bool read(const char* prompt, std::string& line);

private:
    bool terminal_;
};

}  // namespace baton::cli
