// A thread locks a (normal) mutex it already holds: it waits for itself for ever. A helper
// that locks, called with the lock held, is the usual way this happens.
//
// expect: deadlock
#include <pthread.h>

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
int items;

void add_item(void) {
    pthread_mutex_lock(&lock);  // BUG: the caller already holds `lock`
    items++;
    pthread_mutex_unlock(&lock);
}

void* producer(void* arg) {
    pthread_mutex_lock(&lock);
    add_item();
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, producer, NULL);
    pthread_join(t, NULL);
    return 0;
}
