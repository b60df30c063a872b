// baton loads LLVM and Clang (libbaton_llvm.so) only when it needs them: a check that finds
// nothing never does, which saves ~70 ms of dynamic linking per run; a finding's names and
// `baton lint` do; without the module they fail with one line and exit 2.
#include <gtest/gtest.h>

#include <filesystem>

#include "e2e_support.h"

namespace fs = std::filesystem;
using baton::e2e::baton_binary;
using baton::e2e::CommandResult;
using baton::e2e::run_command;
using baton::e2e::TempDir;

namespace {

// Two threads take one lock to increment a counter (nothing to report), or race on it.
const std::string kLockedCounter = baton::e2e::workers_program(2, false);
const std::string kRacyCounter = baton::e2e::racy_counter_program();

std::string build(const TempDir& dir, const std::string& name, const std::string& source) {
    std::string binary = dir.path() + "/" + name;
    CommandResult built = run_command({baton_binary("baton-cc"), "-o", binary, dir.file(name + ".c", source)});
    EXPECT_EQ(built.status, 0) << built.err;
    return binary;
}

// Runs `baton ARGS` with the dynamic loader listing the files it loads (on stderr).
CommandResult run_listing_loads(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), {"/usr/bin/env", "LD_DEBUG=files", baton_binary("baton")});
    return run_command(arguments);
}

bool loaded_llvm(const CommandResult& result) {
    return result.err.find("libLLVM") != std::string::npos || result.err.find("libbaton_llvm") != std::string::npos;
}

}  // namespace

TEST(LlvmModule, CheckWithoutFindingsDoesNotLoadIt) {
    TempDir dir;
    std::string binary = build(dir, "locked", kLockedCounter);
    CommandResult result = run_listing_loads({"check", binary});
    EXPECT_EQ(result.status, 0) << result.out;
    EXPECT_NE(result.out.find("verified"), std::string::npos) << result.out;
    EXPECT_FALSE(loaded_llvm(result)) << "LLVM was loaded for a check that found nothing";
}

TEST(LlvmModule, FindingsAreNamedWithIt) {
    TempDir dir;
    std::string binary = build(dir, "racy", kRacyCounter);
    CommandResult result = run_listing_loads({"check", binary});
    EXPECT_EQ(result.status, 1) << result.out;
    EXPECT_NE(result.out.find("'shared'"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("racy.c:3"), std::string::npos) << result.out;
    EXPECT_TRUE(loaded_llvm(result));
}

TEST(LlvmModule, MissingModuleIsOneLineAndExit2) {
    TempDir dir;
    // baton alone, without the lib/ directory beside it.
    fs::create_directory(dir.path() + "/bin");
    std::string lonely = dir.path() + "/bin/baton";
    fs::copy_file(baton_binary("baton"), lonely);
    std::string racy = build(dir, "racy", kRacyCounter);
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{lonely, "lint", dir.file("racy.c")}, {lonely, "check", racy}}) {
        CommandResult result = run_command(command);
        EXPECT_EQ(result.status, 2) << command[1];
        EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
        EXPECT_NE(result.err.find("cannot load baton's LLVM module"), std::string::npos) << result.err;
    }
    // A check that needs no names still works.
    CommandResult clean = run_command({lonely, "check", build(dir, "locked", kLockedCounter)});
    EXPECT_EQ(clean.status, 0) << clean.err;
}
