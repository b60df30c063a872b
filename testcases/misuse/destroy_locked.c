// The main thread destroys a mutex while a worker still holds it.
//
// expect: lock-misuse
#include <pthread.h>
#include <semaphore.h>

pthread_mutex_t lock;
sem_t holding, destroyed;

void* worker(void* arg) {
    pthread_mutex_lock(&lock);
    sem_post(&holding);
    sem_wait(&destroyed);
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void) {
    pthread_mutex_init(&lock, NULL);
    sem_init(&holding, 0, 0);
    sem_init(&destroyed, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    sem_wait(&holding);
    pthread_mutex_destroy(&lock);  // BUG: the worker holds it
    sem_post(&destroyed);
    pthread_join(t, NULL);
    return 0;
}
