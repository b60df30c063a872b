// mutex.c, from the seed notes: the same counter as race.c, protected by a mutex. Always
// 2000000; nothing to report.
// lint: none
// expect: no findings
#include <pthread.h>
#include <stdio.h>

int mails = 0;
pthread_mutex_t mutex;

void* routine(void* arg) {
    for (int i = 0; i < 1000000; i++) {
        pthread_mutex_lock(&mutex);
        mails++;  // only one thread at a time runs this
        pthread_mutex_unlock(&mutex);
    }
    return NULL;
}

int main(int argc, char* argv[]) {
    pthread_t p1, p2;
    pthread_mutex_init(&mutex, NULL);
    if (pthread_create(&p1, NULL, &routine, NULL) != 0) return 1;
    if (pthread_create(&p2, NULL, &routine, NULL) != 0) return 2;
    pthread_join(p1, NULL);
    pthread_join(p2, NULL);
    pthread_mutex_destroy(&mutex);
    printf("Number of mails: %d\n", mails);
    return 0;
}
