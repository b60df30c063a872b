// A worker writes through a pointer that was never set to anything valid: a crash
// (SIGSEGV) at that address, reported at the worker's store.
//
// expect: crash
// baton-check-options: --max-executions 1
#include <pthread.h>

int* volatile where = (int*)0x1000000;  // BUG: no object lives there

void* worker(void* arg) {
    *where = 1;
    return arg;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return 0;
}
