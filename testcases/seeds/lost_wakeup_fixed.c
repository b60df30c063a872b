// The correct twin of lost_wakeup.c: the waiter re-checks `ready` in a loop under the mutex,
// so a signal sent before it waits is not needed and a spurious wakeup is harmless.
// lint: none
// expect: no findings
#include <pthread.h>
#include <stdio.h>

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
int ready = 0;

void* waiter(void* arg) {
    pthread_mutex_lock(&lock);
    while (!ready) pthread_cond_wait(&ready_cond, &lock);
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
