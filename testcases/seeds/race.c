// race.c, from the seed notes: two threads each do `mails++` 1,000,000 times with no lock.
// `mails++` is a load, an add and a store; a thread preempted between its load and its store
// overwrites the other thread's increments (the notes' run printed 1289819, not 2000000).
//
// expect: data-race on 'mails'
#include <pthread.h>
#include <stdio.h>

int mails = 0;

void* routine(void* arg) {
    for (int i = 0; i < 1000000; i++) {
        mails++;  // lint: baton-unprotected-shared{'mails'}
    }
    return NULL;
}

int main(int argc, char* argv[]) {
    pthread_t p1, p2;
    if (pthread_create(&p1, NULL, &routine, NULL) != 0) return 1;
    if (pthread_create(&p2, NULL, &routine, NULL) != 0) return 2;
    pthread_join(p1, NULL);
    pthread_join(p2, NULL);
    printf("Number of mails: %d\n", mails);
    return 0;
}
