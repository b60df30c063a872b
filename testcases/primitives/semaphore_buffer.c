// A bounded buffer with two semaphores (free slots, filled slots) and a mutex around the
// indices: two producers, two consumers, every item consumed exactly once.
//
// expect: no findings
#include <assert.h>
#include <pthread.h>
#include <semaphore.h>

#define SLOTS 4
#define ITEMS 20

int buffer[SLOTS];
int in, out, consumed_sum;
sem_t free_slots, filled_slots;
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void* producer(void* arg) {
    for (int i = 1; i <= ITEMS; i++) {
        sem_wait(&free_slots);
        pthread_mutex_lock(&lock);
        buffer[in] = i;
        in = (in + 1) % SLOTS;
        pthread_mutex_unlock(&lock);
        sem_post(&filled_slots);
    }
    return NULL;
}

void* consumer(void* arg) {
    for (int i = 0; i < ITEMS; i++) {
        sem_wait(&filled_slots);
        pthread_mutex_lock(&lock);
        consumed_sum += buffer[out];
        out = (out + 1) % SLOTS;
        pthread_mutex_unlock(&lock);
        sem_post(&free_slots);
    }
    return NULL;
}

int main(void) {
    sem_init(&free_slots, 0, SLOTS);
    sem_init(&filled_slots, 0, 0);
    pthread_t threads[4];
    pthread_create(&threads[0], NULL, producer, NULL);
    pthread_create(&threads[1], NULL, producer, NULL);
    pthread_create(&threads[2], NULL, consumer, NULL);
    pthread_create(&threads[3], NULL, consumer, NULL);
    for (int i = 0; i < 4; i++) pthread_join(threads[i], NULL);
    assert(consumed_sum == 2 * ITEMS * (ITEMS + 1) / 2);
    return 0;
}
