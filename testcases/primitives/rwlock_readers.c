// Readers share a read-write lock, a writer takes it exclusively: no race.
//
// expect: no findings
#include <assert.h>
#include <pthread.h>

pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
int table[4];

void* reader(void* arg) {
    for (int i = 0; i < 10; i++) {
        pthread_rwlock_rdlock(&lock);
        int sum = table[0] + table[1] + table[2] + table[3];
        assert(sum % 4 == 0);
        pthread_rwlock_unlock(&lock);
    }
    return NULL;
}

void* writer(void* arg) {
    for (int i = 0; i < 10; i++) {
        pthread_rwlock_wrlock(&lock);
        for (int j = 0; j < 4; j++) table[j]++;
        pthread_rwlock_unlock(&lock);
    }
    return NULL;
}

int main(void) {
    pthread_t threads[3];
    pthread_create(&threads[0], NULL, reader, NULL);
    pthread_create(&threads[1], NULL, reader, NULL);
    pthread_create(&threads[2], NULL, writer, NULL);
    for (int i = 0; i < 3; i++) pthread_join(threads[i], NULL);
    return 0;
}
