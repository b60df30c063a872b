// Two threads join each other: neither can finish before the other.
//
// expect: deadlock
#include <pthread.h>
#include <semaphore.h>

pthread_t first_thread, second_thread;
sem_t both_created;

void* first(void* arg) {
    sem_wait(&both_created);
    pthread_join(second_thread, NULL);
    return NULL;
}

void* second(void* arg) {
    sem_wait(&both_created);
    pthread_join(first_thread, NULL);
    return NULL;
}

int main(void) {
    sem_init(&both_created, 0, 0);
    pthread_create(&first_thread, NULL, first, NULL);
    pthread_create(&second_thread, NULL, second, NULL);
    sem_post(&both_created);
    sem_post(&both_created);
    pthread_join(first_thread, NULL);
    return 0;
}
