// The correct twin of self_deadlock.c: the mutex is recursive, so the helper may lock it
// again; and an error-checking mutex reports the relock instead of hanging.
//
// expect: no findings
#include <assert.h>
#include <errno.h>
#include <pthread.h>

pthread_mutex_t lock;
pthread_mutex_t checked;
int items;

void add_item(void) {
    pthread_mutex_lock(&lock);
    items++;
    pthread_mutex_unlock(&lock);
}

void* producer(void* arg) {
    pthread_mutex_lock(&lock);
    add_item();
    pthread_mutex_unlock(&lock);
    pthread_mutex_lock(&checked);
    assert(pthread_mutex_lock(&checked) == EDEADLK);
    assert(pthread_mutex_trylock(&checked) == EBUSY);
    pthread_mutex_unlock(&checked);
    return NULL;
}

int main(void) {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&lock, &attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&checked, &attr);
    pthread_t t1, t2;
    pthread_create(&t1, NULL, producer, NULL);
    pthread_create(&t2, NULL, producer, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    assert(items == 2);
    return 0;
}
