#include "cli/program_build.h"

#include "cli/elf_image.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

namespace fs = std::filesystem;

namespace baton::cli {
namespace {

bool has_extension(const std::string& path, std::initializer_list<const char*> extensions) {
    std::string extension = fs::path(path).extension().string();
    for (const char* candidate : extensions)
        if (extension == candidate) return true;
    return false;
}

std::string tool_path(const char* name) {
    std::error_code error;
    fs::path self = fs::read_symlink("/proc/self/exe", error);
    return (self.parent_path() / name).string();
}

int run(const std::vector<std::string>& command) {
    std::vector<char*> argv;
    for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        // The compiler's diagnostics go to the user (stderr), never into a JSON report.
        dup2(STDERR_FILENO, STDOUT_FILENO);
        execv(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

bool is_cxx_source(const std::string& path) {
    return has_extension(path, {".cpp", ".cc", ".cxx", ".C", ".c++", ".cp"});
}

bool is_source_file(const std::string& path) {
    return has_extension(path, {".c", ".i"}) || is_cxx_source(path);
}

std::string instrumentation_problem(const std::string& path) {
    std::optional<ElfImage> elf = read_elf_image(path);
    if (!elf) return "is neither a C/C++ source file nor an executable";
    if (!elf->x86_64_executable) return "is not an x86-64 Linux executable";
    bool references_tsan = false, defines_tsan = false;
    for (const DynamicSymbol& symbol : elf->dynamic_symbols)
        if (symbol.name.starts_with("__tsan_")) (symbol.defined ? defines_tsan : references_tsan) = true;
    bool baton_runtime = false, tsan_runtime = defines_tsan;
    for (const std::string& library : elf->needed_libraries) {
        if (library.find("libbaton_rt") != std::string::npos) baton_runtime = true;
        if (library.find("libtsan") != std::string::npos) tsan_runtime = true;
    }
    if (tsan_runtime)
        return "was linked with ThreadSanitizer's own runtime: rebuild with baton-cc (or baton-c++)";
    if (!references_tsan) return "is not instrumented: rebuild with baton-cc (or baton-c++)";
    if (!baton_runtime)
        return "is instrumented but not linked with baton's runtime: rebuild with baton-cc (or baton-c++)";
    return "";
}

bool prepare_program(const std::string& path, PreparedProgram& program, std::string& error) {
    std::ifstream probe(path);
    if (!probe) {
        error = "cannot read '" + path + "': " + strerror(errno);
        return false;
    }
    std::error_code code;
    if (fs::is_directory(path, code)) {
        error = "'" + path + "' is a directory, not a program";
        return false;
    }
    if (!is_source_file(path)) {
        std::string problem = instrumentation_problem(path);
        if (!problem.empty()) {
            error = "'" + path + "' " + problem;
            return false;
        }
        program.executable = fs::absolute(path).string();
        return true;
    }
    char pattern[] = "/tmp/baton-check.XXXXXX";
    if (!mkdtemp(pattern)) {
        error = std::string("cannot create a temporary directory: ") + strerror(errno);
        return false;
    }
    program.temporary_directory = pattern;
    program.executable = program.temporary_directory + "/" + fs::path(path).stem().string();
    bool cxx = is_cxx_source(path);
    std::vector<std::string> command{tool_path(cxx ? "baton-c++" : "baton-cc"), cxx ? "-std=gnu++20" : "-std=gnu17",
                                     "-o", program.executable, path, "-lm"};
    int status = run(command);
    if (status != 0) {
        remove_prepared(program);
        error = "cannot compile '" + path + "' (the compiler's messages are above)";
        return false;
    }
    return true;
}

void remove_prepared(const PreparedProgram& program) {
    if (program.temporary_directory.empty()) return;
    std::error_code error;
    fs::remove_all(program.temporary_directory, error);
}

}  // namespace baton::cli
