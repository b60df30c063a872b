// What a grader named on the command line, turned into the programs to check: a source
// file is a program; a directory is one program built from all its C (or all its C++)
// sources; any other file is taken as a binary built with baton-cc. The list is sorted by
// name, so every machine that is given the same paths sees the same list (and the same
// shards of it).
#pragma once

#include <string>
#include <vector>

namespace baton::cli {

struct Submission {
    std::string name;                  // the path as given, normalized: the row's key
    std::vector<std::string> sources;  // to compile together; empty: `name` is a binary
    bool cxx = false;                  // built with baton-c++ rather than baton-cc
    std::string problem;               // why it cannot be built, if known before trying
};

// Returns false (with one line in `error`) if a path does not exist or a directory holds no
// C or C++ source: the grader's mistakes, found before anything runs. A submission that
// cannot be built for its own reasons (mixed C and C++) carries a `problem` instead.
bool collect_submissions(const std::vector<std::string>& paths, std::vector<Submission>& out,
                         std::string& error);

// The submissions at positions p (0-based, in the sorted list) with p % count == index - 1.
std::vector<Submission> select_shard(const std::vector<Submission>& all, unsigned index,
                                     unsigned count);

}  // namespace baton::cli
