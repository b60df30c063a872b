#include "report/file_output.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace baton::report {
namespace {

// A new, empty temporary file in `path`'s directory (so the rename stays on one file system).
int create_beside(const std::string& path, std::string& temporary) {
    std::filesystem::path target(path);
    std::filesystem::path pattern = target.parent_path() / (".baton-" + target.filename().string() + ".XXXXXX");
    temporary = pattern.string();
    return mkstemp(temporary.data());
}

std::string failure(const std::string& path) {
    return "cannot write '" + path + "': " + strerror(errno);
}

}  // namespace

// A new temporary file beside `path`, or -1 with `error` (a directory, or no file can be made).
static int open_beside(const std::string& path, std::string& temporary, std::string& error) {
    if (std::filesystem::is_directory(path)) {
        error = "cannot write '" + path + "': it is a directory";
        return -1;
    }
    int fd = create_beside(path, temporary);
    if (fd < 0) error = failure(path);
    return fd;
}

bool can_write(const std::string& path, std::string& error) {
    std::string temporary;
    int fd = open_beside(path, temporary, error);
    if (fd < 0) return false;
    close(fd);
    unlink(temporary.c_str());
    return true;
}

bool write_file_atomically(const std::string& path, const std::string& text, std::string& error) {
    std::string temporary;
    int fd = open_beside(path, temporary, error);
    if (fd < 0) return false;
    const char* data = text.data();
    size_t left = text.size();
    while (left > 0) {
        ssize_t written = write(fd, data, left);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) {
            error = failure(path);
            close(fd);
            unlink(temporary.c_str());
            return false;
        }
        data += written;
        left -= static_cast<size_t>(written);
    }
    mode_t mask = umask(0);  // mkstemp makes the file private; a report is an ordinary file
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    if (close(fd) != 0 || std::rename(temporary.c_str(), path.c_str()) != 0) {
        error = failure(path);
        unlink(temporary.c_str());
        return false;
    }
    return true;
}

}  // namespace baton::report
