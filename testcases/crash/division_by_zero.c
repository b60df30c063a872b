// Integer division by zero in a worker thread (SIGFPE).
//
// expect: crash
// baton-check-options: --max-executions 1
#include <pthread.h>

int divisor;

void* worker(void* arg) { return (void*)(long)(100 / divisor); }

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return 0;
}
