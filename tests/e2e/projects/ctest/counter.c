// Two threads count to argv[1] each; without LOCKED the increments race.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static int count;
static int rounds;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void* work(void* arg) {
    for (int i = 0; i < rounds; i++) {
#ifdef LOCKED
        pthread_mutex_lock(&lock);
#endif
        count++;
#ifdef LOCKED
        pthread_mutex_unlock(&lock);
#endif
    }
    return arg;
}

int main(int argc, char** argv) {
    rounds = argc > 1 ? atoi(argv[1]) : 10;
    pthread_t a, b;
    pthread_create(&a, NULL, work, NULL);
    pthread_create(&b, NULL, work, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%d\n", count);
    return 0;
}
