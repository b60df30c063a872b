// baton-cc / baton-c++: drop-in CC/CXX that build a program for baton's runtime.
//
// Compile steps get ThreadSanitizer instrumentation (-fsanitize=thread) at -O0 -g, so every
// shared access is seen and a busy-wait's load stays inside its loop. Link steps get baton's
// runtime (libbaton_rt.so, found next to this executable in ../lib) instead of libtsan. A
// command that compiles and links at once is run as separate compile and link steps, so that
// the compiler never links libtsan, whichever compiler it is.
//
// Environment: BATON_CC / BATON_CXX choose the compiler (default clang, or gcc if clang is not
// installed); BATON_OPT=keep keeps the build's -O level instead of forcing -O0.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;

namespace {

bool has_suffix(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_source(std::string_view arg) {
    for (std::string_view ext : {".c", ".cc", ".cpp", ".cxx", ".c++", ".C", ".cp", ".CPP", ".i", ".ii"})
        if (has_suffix(arg, ext)) return true;
    return false;
}

bool is_assembly(std::string_view arg) { return has_suffix(arg, ".s") || has_suffix(arg, ".S"); }

// Options whose value is the next argument.
bool takes_value(std::string_view arg) {
    for (std::string_view option :
         {"-o", "-I", "-D", "-U", "-include", "-imacros", "-isystem", "-idirafter", "-iquote",
          "-iprefix", "-isysroot", "-x", "-L", "-l", "-MF", "-MT", "-MQ", "-Xlinker",
          "-Xpreprocessor", "-Xassembler", "-Xclang", "-T", "-u", "-z", "--param", "-target",
          "--target", "-arch", "-aux-info", "-e"})
        if (arg == option) return true;
    return false;
}

bool on_path(const std::string& program) {
    if (program.find('/') != std::string::npos) return access(program.c_str(), X_OK) == 0;
    const char* path = getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    size_t start = 0;
    while (start <= dirs.size()) {
        size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        std::string candidate = dirs.substr(start, end - start) + "/" + program;
        if (access(candidate.c_str(), X_OK) == 0) return true;
        start = end + 1;
    }
    return false;
}

std::string choose_compiler(bool cxx) {
    if (const char* chosen = getenv(cxx ? "BATON_CXX" : "BATON_CC"); chosen && *chosen) return chosen;
    for (const char* candidate : cxx ? std::initializer_list<const char*>{"clang++-14", "clang++", "g++"}
                                     : std::initializer_list<const char*>{"clang-14", "clang", "gcc"})
        if (on_path(candidate)) return candidate;
    return cxx ? "c++" : "cc";
}

bool is_gcc(const std::string& compiler) {
    std::string name = fs::path(compiler).filename().string();
    return name.find("clang") == std::string::npos &&
           (name.find("gcc") != std::string::npos || name.find("g++") != std::string::npos ||
            name == "cc" || name == "c++");
}

int run(const std::vector<std::string>& command) {
    std::vector<char*> argv;
    for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    pid_t pid = fork();
    if (pid < 0) return 2;
    if (pid == 0) {
        execvp(argv[0], argv.data());
        fprintf(stderr, "baton-cc: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

struct Invocation {
    std::string compiler;
    bool gcc = false;
    std::vector<std::string> args;  // the build's arguments, as given
};

std::vector<std::string> instrumentation_flags(const Invocation& inv) {
    std::vector<std::string> flags{"-fsanitize=thread", "-g"};
    const char* opt = getenv("BATON_OPT");
    if (!opt || std::string_view(opt) != "keep") flags.push_back("-O0");
    if (inv.gcc) flags.push_back("-Wno-tsan");  // gcc does not instrument fences: said in docs
    return flags;
}

std::vector<std::string> runtime_link_flags(const std::string& libdir) {
    return {"-L" + libdir, "-Wl,-rpath," + libdir, "-Wl,--push-state,--no-as-needed",
            "-lbaton_rt", "-Wl,--pop-state"};
}

bool compiles_only(const std::vector<std::string>& args) {
    for (const std::string& arg : args)
        if (arg == "-c" || arg == "-S" || arg == "-E" || arg == "-M" || arg == "-MM" ||
            arg == "-fsyntax-only")
            return true;
    return false;
}

// Runs the link step of `inv`, compiling its sources first into objects in a temporary
// directory. Returns the exit status.
int compile_and_link(const Invocation& inv, const std::string& libdir) {
    // $TMPDIR first: a grader that kills a stuck build removes the directory it gave it.
    const char* base = getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/baton-cc.XXXXXX";
    if (!mkdtemp(pattern.data())) {
        perror("baton-cc: cannot create a temporary directory");
        return 2;
    }
    std::string tmp = pattern;
    std::vector<std::string> compile_common{inv.compiler};
    std::vector<std::string> link{inv.compiler};
    std::vector<std::pair<std::string, std::string>> units;  // source, object
    for (size_t i = 0; i < inv.args.size(); ++i) {
        const std::string& arg = inv.args[i];
        if (takes_value(arg) && i + 1 < inv.args.size()) {
            const std::string& value = inv.args[++i];
            if (arg != "-o") compile_common.insert(compile_common.end(), {arg, value});
            if (arg != "-x") link.insert(link.end(), {arg, value});
            continue;
        }
        if (arg[0] != '-' && (is_source(arg) || is_assembly(arg))) {
            std::string object = tmp + "/" + std::to_string(units.size()) + ".o";
            units.emplace_back(arg, object);
            link.push_back(object);
            continue;
        }
        if (arg[0] == '-' ) compile_common.push_back(arg);
        if (arg.rfind("-fsanitize=", 0) != 0) link.push_back(arg);
    }
    int status = 0;
    for (const auto& [source, object] : units) {
        std::vector<std::string> compile = compile_common;
        if (!is_assembly(source)) {
            for (const std::string& flag : instrumentation_flags(inv)) compile.push_back(flag);
        }
        if (!inv.gcc) compile.push_back("-Qunused-arguments");
        compile.insert(compile.end(), {"-c", source, "-o", object});
        status = run(compile);
        if (status != 0) break;
    }
    if (status == 0) {
        for (const std::string& flag : runtime_link_flags(libdir)) link.push_back(flag);
        status = run(link);
    }
    fs::remove_all(tmp);
    return status;
}

std::string runtime_directory() {
    std::error_code error;
    fs::path self = fs::read_symlink("/proc/self/exe", error);
    return (self.parent_path().parent_path() / "lib").lexically_normal().string();
}

}  // namespace

int main(int argc, char** argv) {
    std::string program_name = fs::path(argv[0]).filename().string();
    std::string_view name = program_name;
    bool cxx = name.find("++") != std::string_view::npos || name.find("cxx") != std::string_view::npos;
    Invocation inv;
    inv.compiler = choose_compiler(cxx);
    inv.gcc = is_gcc(inv.compiler);
    for (int i = 1; i < argc; ++i) inv.args.emplace_back(argv[i]);
    if (inv.args.empty() || inv.args[0] == "--help") {
        fprintf(inv.args.empty() ? stderr : stdout,
                "usage: %s [compiler arguments]\n"
                "Compiles with ThreadSanitizer instrumentation at -O0 -g and links baton's runtime.\n"
                "BATON_%s chooses the compiler; BATON_OPT=keep keeps the build's -O level.\n",
                cxx ? "baton-c++" : "baton-cc", cxx ? "CXX" : "CC");
        return inv.args.empty() ? 2 : 0;
    }
    if (inv.args[0] == "--version" || inv.args[0] == "-v" || inv.args[0] == "-dumpversion" ||
        inv.args[0] == "-dumpmachine" || inv.args[0] == "--print-prog-name")
        return run([&] { std::vector<std::string> c{inv.compiler}; c.insert(c.end(), inv.args.begin(), inv.args.end()); return c; }());
    std::string libdir = runtime_directory();
    if (access((libdir + "/libbaton_rt.so").c_str(), R_OK) != 0) {
        fprintf(stderr, "baton-cc: cannot find baton's runtime library at %s/libbaton_rt.so\n",
                libdir.c_str());
        return 2;
    }
    if (!on_path(inv.compiler)) {
        fprintf(stderr, "baton-cc: compiler '%s' not found (set BATON_%s)\n", inv.compiler.c_str(),
                cxx ? "CXX" : "CC");
        return 2;
    }
    if (compiles_only(inv.args)) {
        std::vector<std::string> command{inv.compiler};
        command.insert(command.end(), inv.args.begin(), inv.args.end());
        for (const std::string& flag : instrumentation_flags(inv)) command.push_back(flag);
        return run(command);
    }
    return compile_and_link(inv, libdir);
}
