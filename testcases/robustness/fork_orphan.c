// A program that forks a child which starts a long-running process and does not wait for
// it: `baton check` must still end promptly and leave no process behind (the test looks for
// the marker argument 987654 in every process's command line afterwards).
//
// expect: no findings
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

int main(void) {
    pid_t pid = fork();
    if (pid == 0) {
        setsid();  // escape the process group, as a daemon would
        execl("/bin/sleep", "sleep", "987654", (char*)NULL);
        _exit(1);
    }
    return 0;
}
