// The program reports failure through its exit status.
//
// expect: exit-failure
// baton-check-options: --max-executions 1
#include <pthread.h>

void* worker(void* arg) { return NULL; }

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return 3;
}
