// Entry point of `baton lint`, called by the command-line front end.
#pragma once

namespace baton::analyzer {

// Runs `baton lint` with the arguments after the subcommand; returns the exit status
// (0 nothing found, 1 findings, 2 usage or input error).
int lint_main(int argc, const char** argv);

}  // namespace baton::analyzer
