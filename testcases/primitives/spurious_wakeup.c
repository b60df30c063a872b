// The waiter checks its predicate with `if`, trusting that a wakeup means it holds. POSIX
// allows spurious wakeups, and baton explores them: the assertion fails when one happens
// before the signaller has set `ready`.
//
// expect: assertion-failure
// baton-check-options: --max-executions 50
#include <assert.h>
#include <pthread.h>

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
int ready;

void* waiter(void* arg) {
    pthread_mutex_lock(&lock);
    if (!ready) pthread_cond_wait(&cond, &lock);  // BUG: `while`, not `if`
    assert(ready);
    pthread_mutex_unlock(&lock);
    return NULL;
}

void* signaller(void* arg) {
    for (int i = 0; i < 20; i++) {  // some work first
        pthread_mutex_lock(&lock);
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    ready = 1;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void) {
    pthread_t w, s;
    pthread_create(&w, NULL, waiter, NULL);
    pthread_create(&s, NULL, signaller, NULL);
    pthread_join(w, NULL);
    pthread_join(s, NULL);
    return 0;
}
