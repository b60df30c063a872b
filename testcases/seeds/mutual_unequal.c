// Strict alternation where one side stops taking turns: routine1 takes 3 turns, routine2
// wants 5. After routine1 has finished, routine2 spins on `while (turn != 1);` forever:
// nobody is left to set `turn`. The notes' warning, made concrete.
//
// expect: data-race on 'turn'
// expect: livelock on 'turn'
#include <pthread.h>
#include <stdio.h>

int mails = 0;
int turn = 0;

void* routine1(void* arg) {
    for (int i = 0; i < 3; i++) {
        while (turn != 0);  // busy waiting  // lint: baton-busy-wait
        mails++;  // lint: baton-unprotected-shared{'mails'}
        turn = 1;  // lint: baton-unprotected-shared{'turn'}
    }
    return NULL;
}

void* routine2(void* arg) {
    for (int i = 0; i < 5; i++) {
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
