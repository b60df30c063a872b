// A worker ends the whole process with exit() while main waits to join it: legal, and
// nothing to report.
//
// expect: no findings
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

void* worker(void* arg) {
    printf("worker done, exiting the process\n");
    exit(0);
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return 1;  // never reached
}
