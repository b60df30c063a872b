#include "e2e_support.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

namespace baton::e2e {

namespace {

// `input_fd` < 0: the command reads /dev/null.
CommandResult run(const std::vector<std::string>& command, const std::string& directory, int input_fd) {
    CommandResult result;
    int out[2], err[2];
    if (pipe(out) != 0 || pipe(err) != 0) return result;
    pid_t pid = fork();
    if (pid == 0) {
        if (!directory.empty() && chdir(directory.c_str()) != 0) _exit(126);
        // Without input, the command reads nothing, whatever the test runner was given.
        int null = open("/dev/null", O_RDONLY);
        dup2(input_fd >= 0 ? input_fd : null, 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]);
        close(err[0]);
        std::vector<char*> argv;
        for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open = 2;
    while (open > 0) {
        if (poll(fds, 2, -1) < 0) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
            char buffer[65536];
            ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open;
            } else {
                sinks[i]->append(buffer, static_cast<size_t>(n));
            }
        }
    }
    int status = 0;
    waitpid(pid, &status, 0);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& command, const std::string& directory) {
    return run(command, directory, -1);
}

CommandResult run_command_with_input(const std::vector<std::string>& command, const std::string& input,
                                     const std::string& directory) {
    int in[2];
    if (pipe(in) != 0) return {};
    // Written whole before the command starts: it fits in the pipe.
    if (write(in[1], input.data(), input.size()) != static_cast<ssize_t>(input.size())) return {};
    close(in[1]);
    CommandResult result = run(command, directory, in[0]);
    close(in[0]);
    return result;
}

CommandResult run_on_terminal(const std::vector<std::string>& command, const std::vector<std::string>& lines,
                              const std::string& prompt) {
    CommandResult result;
    int master = -1;
    pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
    if (pid < 0) return result;
    if (pid == 0) {
        setenv("TERM", "xterm", 1);
        std::vector<char*> argv;
        for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    size_t typed = 0, prompts_seen = 0, scanned = 0;
    for (;;) {
        pollfd fd{master, POLLIN, 0};
        if (poll(&fd, 1, 120'000) <= 0) break;  // a hung command fails the test, not the run
        char buffer[4096];
        ssize_t n = read(master, buffer, sizeof buffer);
        if (n <= 0) break;  // EIO: the command ended and closed the terminal
        result.out.append(buffer, static_cast<size_t>(n));
        for (size_t at; (at = result.out.find(prompt, scanned)) != std::string::npos;) {
            scanned = at + prompt.size();
            ++prompts_seen;
        }
        while (typed < lines.size() && typed < prompts_seen) {
            const std::string& line = lines[typed++];
            if (write(master, line.data(), line.size()) != static_cast<ssize_t>(line.size())) break;
        }
    }
    close(master);
    int status = 0;
    waitpid(pid, &status, 0);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

std::string baton_binary(const char* name) { return std::string(BATON_BINARY_DIR) + "/bin/" + name; }

std::string source_path(const std::string& relative) { return std::string(BATON_SOURCE_DIR) + "/" + relative; }

// Built without fmt: grading_tests compiles this file too and does not link fmt.
std::string workers_program(int threads, bool own_mutex) {
    std::string lock = own_mutex ? "i" : "0", data = own_mutex ? "counts[i]" : "shared_count";
    return "#include <pthread.h>\n#define K " + std::to_string(threads) + R"(
pthread_mutex_t locks[K];
int counts[K];
int shared_count;
void* worker(void* arg) {
    long i = (long)arg;
    pthread_mutex_t* lock = &locks[)" + lock + R"(];
    pthread_mutex_lock(lock);
    )" + data + R"(++;
    pthread_mutex_unlock(lock);
    return 0;
}
int main(void) {
    pthread_t threads[K];
    for (int i = 0; i < K; i++) pthread_mutex_init(&locks[i], 0);
    for (long i = 0; i < K; i++) pthread_create(&threads[i], 0, worker, (void*)i);
    for (int i = 0; i < K; i++) pthread_join(threads[i], 0);
    return 0;
}
)";
}

std::string racy_counter_program() {
    return R"(#include <pthread.h>
int shared;
void* work(void* arg) { shared++; return arg; }
int main(void) {
    pthread_t a, b;
    pthread_create(&a, 0, work, 0);
    pthread_create(&b, 0, work, 0);
    pthread_join(a, 0);
    pthread_join(b, 0);
    return 0;
}
)";
}

std::string locks_forever_program() {
    return R"(#include <pthread.h>

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
long turns;

void* worker(void* arg) {
    for (;;) {
        pthread_mutex_lock(&lock);
        turns++;
        pthread_mutex_unlock(&lock);
    }
    return arg;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return 0;
}
)";
}

}  // namespace baton::e2e
