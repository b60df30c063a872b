// Threads compute in phases separated by a barrier: each writes its own cell, and after the
// barrier reads its neighbour's. The barrier orders every write before every later read.
//
// expect: no findings
#include <assert.h>
#include <pthread.h>

#define THREADS 3
pthread_barrier_t barrier;
int cells[THREADS];

void* work(void* arg) {
    long id = (long)arg;
    for (int phase = 1; phase <= 3; phase++) {
        cells[id] = phase * 10 + (int)id;
        pthread_barrier_wait(&barrier);
        int neighbour = cells[(id + 1) % THREADS];
        assert(neighbour / 10 == phase);
        pthread_barrier_wait(&barrier);
    }
    return NULL;
}

int main(void) {
    pthread_barrier_init(&barrier, NULL, THREADS);
    pthread_t threads[THREADS];
    for (long i = 0; i < THREADS; i++) pthread_create(&threads[i], NULL, work, (void*)i);
    for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&barrier);
    return 0;
}
