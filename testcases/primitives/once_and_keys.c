// pthread_once runs the initializer exactly once and orders it before every caller's
// return; each thread's key value is its own, and its destructor runs when the thread ends.
//
// expect: no findings
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>

pthread_once_t once = PTHREAD_ONCE_INIT;
pthread_key_t key;
int initialized;
int destructed;
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void initialize(void) {
    initialized++;
    pthread_key_create(&key, NULL);
}

void release(void* value) {
    pthread_mutex_lock(&lock);
    destructed++;
    pthread_mutex_unlock(&lock);
    free(value);
}

pthread_key_t cleanup_key;

void* work(void* arg) {
    pthread_once(&once, initialize);
    assert(initialized == 1);
    pthread_setspecific(key, arg);
    pthread_setspecific(cleanup_key, malloc(16));
    for (int i = 0; i < 3; i++) assert(pthread_getspecific(key) == arg);
    return NULL;
}

int main(void) {
    pthread_key_create(&cleanup_key, release);
    pthread_t threads[3];
    for (long i = 0; i < 3; i++) pthread_create(&threads[i], NULL, work, (void*)(i + 1));
    for (int i = 0; i < 3; i++) pthread_join(threads[i], NULL);
    assert(destructed == 3);
    return 0;
}
