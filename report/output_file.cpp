#include "report/output_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace baton::report {

std::optional<std::string> write_file_atomically(const std::string& path, const std::string& text) {
    std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary);
        out << text;
        if (!out.flush()) {
            std::string why = std::strerror(errno);
            std::remove(temporary.c_str());
            return "cannot write '" + path + "': " + why;
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::string why = std::strerror(errno);
        std::remove(temporary.c_str());
        return "cannot write '" + path + "': " + why;
    }
    return std::nullopt;
}

}  // namespace baton::report
