// A worker calls abort(): reported as a crash in that thread.
//
// expect: crash
// baton-check-options: --max-executions 1
#include <pthread.h>
#include <stdlib.h>

void* worker(void* arg) {
    abort();
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return 0;
}
