// The correct twin of poll_counting_forever.c: the poller counts its polls (every turn
// writes, so it is not parked as a busy-wait) and another thread does set the flag. Run
// non-preemptively, the poller would starve the producer and the program would look hung;
// baton's scheduler is fair, as an operating system's time slices are: after a thousand
// steps in a row the poller lets the producer run.
//
// expect: no findings
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

atomic_int ready;
long polls;  // the poller's alone; main reads it after the join
int payload;

void* poller(void* arg) {
    while (!atomic_load(&ready)) polls++;
    return (void*)(long)payload;  // ordered after the producer's write by `ready`
}

void* producer(void* arg) {
    payload = 42;
    atomic_store(&ready, 1);
    return NULL;
}

int main(void) {
    pthread_t a, b;
    void* seen;
    pthread_create(&a, NULL, poller, NULL);
    pthread_create(&b, NULL, producer, NULL);
    pthread_join(a, &seen);
    pthread_join(b, NULL);
    printf("payload %ld\n", (long)seen);
    return 0;
}
