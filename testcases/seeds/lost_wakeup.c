// A lost wakeup: the waiter waits on the condition variable without checking a predicate,
// so when the signaller runs first its signal reaches nobody and the waiter sleeps forever.
// Found when the signaller is scheduled before the waiter reaches pthread_cond_wait.
//
// expect: deadlock
#include <pthread.h>
#include <stdio.h>

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
int ready = 0;

void* waiter(void* arg) {
    pthread_mutex_lock(&lock);
    pthread_cond_wait(&ready_cond, &lock);  // BUG: no `while (!ready)` around the wait  // lint: baton-cond-wait-not-in-loop
    printf("ready = %d\n", ready);
    pthread_mutex_unlock(&lock);
    return NULL;
}

void* signaller(void* arg) {
    pthread_mutex_lock(&lock);
    ready = 1;
    pthread_cond_signal(&ready_cond);
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
