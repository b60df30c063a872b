// A thread waits on a condition variable without holding the mutex it passes: the check
// of the predicate and the wait are no longer atomic.
//
// expect: lock-misuse
#include <pthread.h>

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t cond = PTHREAD_COND_INITIALIZER;

void* waiter(void* arg) {
    struct timespec soon = {0, 0};
    pthread_cond_timedwait(&cond, &lock, &soon);  // BUG: `lock` is not held
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, waiter, NULL);
    pthread_join(t, NULL);
    return 0;
}
