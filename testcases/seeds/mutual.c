// mutual.c, from the seed notes: strict alternation. Each thread busy-waits until `turn` names
// it, increments `mails`, and hands the turn over. Under interleaving semantics no update is
// lost (both sides take the same number of turns), but `turn` is a plain int that one thread
// writes while the other reads it in a spin loop: a data race, and a busy wait.
//
// expect: data-race on 'turn'
#include <pthread.h>
#include <stdio.h>

int mails = 0;
int turn = 0;

void* routine1(void* arg) {
    for (int i = 0; i < 1000000; i++) {
        while (turn != 0);  // busy waiting  // lint: baton-busy-wait
        mails++;  // lint: baton-unprotected-shared{'mails'}
        turn = 1;  // lint: baton-unprotected-shared{'turn'}
    }
    return NULL;
}

void* routine2(void* arg) {
    for (int i = 0; i < 1000000; i++) {
        while (turn != 1);  // busy waiting  // lint: baton-busy-wait
        mails++;
        turn = 0;
    }
    return NULL;
}

int main(int argc, char* argv[]) {
    pthread_t p1, p2;
    if (pthread_create(&p1, NULL, &routine1, NULL) != 0) return 1;
    if (pthread_create(&p2, NULL, &routine2, NULL) != 0) return 2;
    pthread_join(p1, NULL);
    pthread_join(p2, NULL);
    printf("Number of mails: %d\n", mails);
    return 0;
}
