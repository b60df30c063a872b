// threads.c, from the seed notes: two threads share the global `x`; the first increments it,
// both print it after sleep(3). Nothing orders the increment before the second thread's read.
//
// expect: data-race on 'x'
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int x = 2;  // threads share memory

void* routine(void* arg) {
    x++;  // lint: baton-unprotected-shared{'x'}
    printf("Test from threads %d\n", getpid());
    sleep(3);
    printf("The value of x is %d\n", x);
    return NULL;
}

void* routine2(void* arg) {
    printf("Test from threads %d\n", getpid());
    sleep(3);
    printf("The value of x is %d\n", x);
    return NULL;
}

int main(int argc, char* argv[]) {
    pthread_t t1, t2;
    if (pthread_create(&t1, NULL, &routine, NULL) != 0) return 1;
    if (pthread_create(&t2, NULL, &routine2, NULL) != 0) return 2;
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}
