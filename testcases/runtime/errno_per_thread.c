// errno is per thread: each thread sets it, hands over to the other thread (which sets its
// own), and finds its own value unchanged when it runs again.
//
// expect: no findings
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>

sem_t first_set, second_set;

void* first(void* arg) {
    errno = EINTR;
    sem_post(&first_set);
    sem_wait(&second_set);  // the second thread sets errno = ENOENT meanwhile
    assert(errno == EINTR);
    return NULL;
}

void* second(void* arg) {
    sem_wait(&first_set);
    errno = ENOENT;
    sem_post(&second_set);
    assert(errno == ENOENT);
    return NULL;
}

int main(void) {
    sem_init(&first_set, 0, 0);
    sem_init(&second_set, 0, 0);
    pthread_t a, b;
    pthread_create(&a, NULL, first, NULL);
    pthread_create(&b, NULL, second, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
