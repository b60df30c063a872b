// main starts and joins 20,000 threads, one after the other: each step looks only at the
// threads still alive, and a joined thread's clock is let go, so this takes well under a
// second. (Every step went over all the threads ever created, and every clock was kept in
// the program and in the search: 20,000 threads took over 10 s and 1.9 GB, and a check
// with the default limit called it a hang.)
//
// expect: no findings
// baton-check-options: --time-limit 5
#include <pthread.h>
#include <stdio.h>

long total;

void* worker(void* arg) {
    total += (long)arg;  // ordered by the create before and the join after
    return NULL;
}

int main(void) {
    for (long i = 0; i < 20000; i++) {
        pthread_t t;
        pthread_create(&t, NULL, worker, (void*)i);
        pthread_join(t, NULL);
    }
    printf("%ld\n", total);
    return 0;
}
