// One slot, one producer, two consumers, and one condition variable for both "the slot is
// full" and "the slot is empty". pthread_cond_signal wakes one waiter, the one that has
// waited longest: after the first consumer takes the first item, its signal may wake the
// other consumer, which finds the slot empty and waits again, instead of the producer,
// which waits for the slot to empty. Nobody is left to signal: every thread waits.
// broadcast_wakes_every_waiter.c is the correct twin.
//
// expect: deadlock
#include <pthread.h>

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
int full, item;

void* producer(void* arg) {
    for (int i = 1; i <= 2; i++) {
        pthread_mutex_lock(&lock);
        while (full) pthread_cond_wait(&changed, &lock);
        item = i;
        full = 1;
        pthread_cond_signal(&changed);
        pthread_mutex_unlock(&lock);
    }
    return arg;
}

void* consumer(void* arg) {
    pthread_mutex_lock(&lock);
    while (!full) pthread_cond_wait(&changed, &lock);
    full = 0;
    pthread_cond_signal(&changed);  // BUG: may wake the other consumer, not the producer
    pthread_mutex_unlock(&lock);
    return arg;
}

int main(void) {
    pthread_t threads[3];
    pthread_create(&threads[0], NULL, producer, NULL);
    pthread_create(&threads[1], NULL, consumer, NULL);
    pthread_create(&threads[2], NULL, consumer, NULL);
    for (int i = 0; i < 3; i++) pthread_join(threads[i], NULL);
    return 0;
}
