// The bounded buffer of semaphore_buffer.c without the mutex: the semaphores count slots
// but do not stop two producers from using the same index at once.
//
// expect: data-race on 'in'
// may: data-race on 'buffer'
#include <pthread.h>
#include <semaphore.h>

#define SLOTS 4
#define ITEMS 20

int buffer[SLOTS];
int in, out, consumed_sum;
sem_t free_slots, filled_slots;

void* producer(void* arg) {
    for (int i = 1; i <= ITEMS; i++) {
        sem_wait(&free_slots);
        buffer[in] = i;         // BUG: two producers may write the same slot
        in = (in + 1) % SLOTS;  // ... and both advance `in`
        sem_post(&filled_slots);
    }
    return NULL;
}

void* consumer(void* arg) {
    for (int i = 0; i < 2 * ITEMS; i++) {
        sem_wait(&filled_slots);
        consumed_sum += buffer[out];
        out = (out + 1) % SLOTS;
        sem_post(&free_slots);
    }
    return NULL;
}

int main(void) {
    sem_init(&free_slots, 0, SLOTS);
    sem_init(&filled_slots, 0, 0);
    pthread_t threads[3];
    pthread_create(&threads[0], NULL, producer, NULL);
    pthread_create(&threads[1], NULL, producer, NULL);
    pthread_create(&threads[2], NULL, consumer, NULL);
    for (int i = 0; i < 3; i++) pthread_join(threads[i], NULL);
    return 0;
}
