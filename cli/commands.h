// The subcommands of `baton`. Each takes the arguments after its name and returns the exit
// status: 0 nothing found, 1 findings, 2 usage or input error.
#pragma once

#include <string>

namespace baton::cli {

int check_main(int argc, char** argv);
int replay_main(int argc, char** argv);
int explore_main(int argc, char** argv);

// `baton check prog.c < input.txt`: the file standard input is redirected from, which every
// execution then reads as --stdin gives it; "" if there is none (see check_command.cpp).
std::string redirected_input();

}  // namespace baton::cli
