// A thread unlocks a mutex that another thread holds: undefined for a normal mutex (glibc
// lets it happen, and the critical section is then no longer exclusive).
//
// expect: lock-misuse
#include <pthread.h>
#include <semaphore.h>

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
sem_t locked, unlocked;

void* holder(void* arg) {
    pthread_mutex_lock(&lock);
    sem_post(&locked);
    sem_wait(&unlocked);
    return NULL;
}

void* intruder(void* arg) {
    sem_wait(&locked);
    pthread_mutex_unlock(&lock);  // BUG: `holder` holds it
    sem_post(&unlocked);
    return NULL;
}

int main(void) {
    sem_init(&locked, 0, 0);
    sem_init(&unlocked, 0, 0);
    pthread_t a, b;
    pthread_create(&a, NULL, holder, NULL);
    pthread_create(&b, NULL, intruder, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
