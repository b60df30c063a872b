// A worker loops for ever without any visible operation (no shared memory, no
// synchronization): only the watchdog can end it, and baton says where the thread was.
//
// expect: nontermination
// baton-check-options: --time-limit 2 --max-executions 1
#include <pthread.h>

void* worker(void* arg) {
    unsigned long spins = 0;
    for (;;) spins++;
    return (void*)spins;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return 0;
}
