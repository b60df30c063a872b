// A threaded program forks a child that does some work and exits; the parent waits for it.
//
// expect: no findings
// baton-check-options: --max-executions 3
#include <assert.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

int counter;
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void* work(void* arg) {
    pthread_mutex_lock(&lock);
    counter++;
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, work, NULL);
    pthread_join(t, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t u;
        pthread_create(&u, NULL, work, NULL);
        pthread_join(u, NULL);
        _exit(counter == 2 ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert(counter == 1);
    return 0;
}
