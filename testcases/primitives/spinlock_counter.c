// A counter protected by a pthread spinlock.
//
// expect: no findings
#include <assert.h>
#include <pthread.h>

pthread_spinlock_t lock;
int counter;

void* work(void* arg) {
    for (int i = 0; i < 100; i++) {
        pthread_spin_lock(&lock);
        counter++;
        pthread_spin_unlock(&lock);
    }
    return NULL;
}

int main(void) {
    pthread_spin_init(&lock, PTHREAD_PROCESS_PRIVATE);
    pthread_t a, b;
    pthread_create(&a, NULL, work, NULL);
    pthread_create(&b, NULL, work, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    assert(counter == 200);
    pthread_spin_destroy(&lock);
    return 0;
}
