// The subcommands of `baton`. Each takes the arguments after its name and returns the exit
// status: 0 nothing found, 1 findings, 2 usage or input error.
#pragma once

namespace baton::cli {

int check_main(int argc, char** argv);
int replay_main(int argc, char** argv);
int explore_main(int argc, char** argv);

}  // namespace baton::cli
