#include "cli/submissions.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>

#include "cli/program_build.h"

namespace fs = std::filesystem;

namespace baton::cli {
namespace {

// "./subs/alice/" and "subs/alice" are one submission, named "subs/alice".
std::string normalized_name(const std::string& path) {
    std::string name = fs::path(path).lexically_normal().string();
    while (name.size() > 1 && name.back() == '/') name.pop_back();
    return name;
}

// A directory's sources, sorted (so the compiler sees them in the same order everywhere).
bool directory_submission(const std::string& name, Submission& submission, std::string& error) {
    std::vector<std::string> c_sources, cxx_sources;
    std::error_code code;
    for (const fs::directory_entry& entry : fs::directory_iterator(name, code)) {
        std::error_code type_error;
        if (!entry.is_regular_file(type_error)) continue;
        std::string path = name + "/" + entry.path().filename().string();
        if (entry.path().extension() == ".c") c_sources.push_back(path);
        else if (is_cxx_source(path)) cxx_sources.push_back(path);
    }
    if (code) {
        error = "cannot read the directory '" + name + "': " + code.message();
        return false;
    }
    if (c_sources.empty() && cxx_sources.empty()) {
        error = "the directory '" + name + "' holds no C or C++ source (.c, .cpp, .cc, .cxx)";
        return false;
    }
    std::sort(c_sources.begin(), c_sources.end());
    std::sort(cxx_sources.begin(), cxx_sources.end());
    submission.cxx = !cxx_sources.empty();
    submission.sources = submission.cxx ? cxx_sources : c_sources;
    if (!c_sources.empty() && !cxx_sources.empty())
        submission.problem = "the directory mixes C and C++ sources; baton builds a directory as "
                             "one C or one C++ program";
    return true;
}

}  // namespace

bool collect_submissions(const std::vector<std::string>& paths, std::vector<Submission>& out,
                         std::string& error) {
    out.clear();
    for (const std::string& path : paths) {
        struct stat info;
        if (stat(path.c_str(), &info) != 0) {
            error = "cannot read '" + path + "': " + strerror(errno);
            return false;
        }
        Submission submission;
        submission.name = normalized_name(path);
        if (S_ISDIR(info.st_mode)) {
            if (!directory_submission(submission.name, submission, error)) return false;
        } else if (is_source_file(submission.name)) {
            submission.sources = {submission.name};
            submission.cxx = is_cxx_source(submission.name);
        }
        out.push_back(std::move(submission));
    }
    // Byte order, not the locale's: shards must agree across machines.
    std::sort(out.begin(), out.end(),
              [](const Submission& a, const Submission& b) { return a.name < b.name; });
    auto same_name = [](const Submission& a, const Submission& b) { return a.name == b.name; };
    out.erase(std::unique(out.begin(), out.end(), same_name), out.end());
    return true;
}

std::vector<Submission> select_shard(const std::vector<Submission>& all, unsigned index,
                                     unsigned count) {
    std::vector<Submission> shard;
    for (size_t position = 0; position < all.size(); ++position)
        if (position % count == index - 1) shard.push_back(all[position]);
    return shard;
}

}  // namespace baton::cli
