// The "writer" takes only a read lock: readers and it hold the lock at once.
//
// expect: data-race on 'table'
#include <pthread.h>

pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
int table[4];

void* reader(void* arg) {
    int sum = 0;
    for (int i = 0; i < 10; i++) {
        pthread_rwlock_rdlock(&lock);
        sum += table[0];
        pthread_rwlock_unlock(&lock);
    }
    return (void*)(long)sum;
}

void* writer(void* arg) {
    for (int i = 0; i < 10; i++) {
        pthread_rwlock_rdlock(&lock);  // BUG: writes need the write lock
        table[0]++;
        pthread_rwlock_unlock(&lock);
    }
    return NULL;
}

int main(void) {
    pthread_t threads[2];
    pthread_create(&threads[0], NULL, reader, NULL);
    pthread_create(&threads[1], NULL, writer, NULL);
    for (int i = 0; i < 2; i++) pthread_join(threads[i], NULL);
    return 0;
}
