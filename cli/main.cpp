// `baton`: dispatches to the subcommands. Each subcommand owns its options and returns the
// process exit status (0 nothing found, 1 findings, 2 usage or input error).
#include <cstdio>
#include <cstring>
#include <string_view>

#include "cli/commands.h"
#include "cli/grade_command.h"
#include "report/llvm_plugin.h"

namespace {

constexpr const char* kUsage = R"(usage: baton <command> [options]

commands:
  check FILE.c|FILE.cpp|BINARY [-- ARGS]   run the program under baton's scheduler and report bugs
  check PROGRAM...|DIRECTORY... [-- ARGS]  check many programs in parallel, one row each
                                           (grading: docs/grading.md)
  replay SCHEDULE                          re-run a finding's recorded execution and print its trace
  explore FILE.c|BINARY [-- ARGS]          step through an execution: choose who runs, go back
  lint FILE... [-- COMPILER-FLAGS]         static checks for shared state, busy waits, lock misuse
  lint -p BUILD-DIR [FILE...]              the same, with a compilation database

`baton <command> --help` describes a command's options.
)";

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    std::string_view command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        std::fputs(kUsage, stdout);
        return 0;
    }
    if (command == "--version") {
        std::printf("baton %s\n", BATON_VERSION);
        return 0;
    }
    if (command == "check") {
        // Many programs (or a directory) go to the grader; one program is a plain check.
        if (baton::cli::wants_grading(argc - 1, argv + 1))
            return baton::cli::grade_main(argc - 1, argv + 1);
        return baton::cli::check_main(argc - 1, argv + 1);
    }
    if (command == "replay") return baton::cli::replay_main(argc - 1, argv + 1);
    if (command == "explore") return baton::cli::explore_main(argc - 1, argv + 1);
    if (command == "lint")
        return baton::report::llvm_plugin().lint_main(argc - 1, const_cast<const char**>(argv + 1));
    std::fprintf(stderr, "baton: unknown command '%s' (try 'baton --help')\n", argv[1]);
    return 2;
}
