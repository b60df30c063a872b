// Two threads take the same two mutexes in opposite orders: if each gets its first mutex
// before the other gets its second, both wait for ever. Found when the scheduler preempts
// the first thread between its two locks.
//
// expect: deadlock
#include <pthread.h>

pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
int balance_a = 100, balance_b = 100;

void* transfer_a_to_b(void* arg) {
    pthread_mutex_lock(&a);
    pthread_mutex_lock(&b);
    balance_a -= 10;
    balance_b += 10;
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&a);
    return NULL;
}

void* transfer_b_to_a(void* arg) {
    pthread_mutex_lock(&b);
    pthread_mutex_lock(&a);
    balance_b -= 10;
    balance_a += 10;
    pthread_mutex_unlock(&a);
    pthread_mutex_unlock(&b);
    return NULL;
}

int main(void) {
    pthread_t t1, t2;
    pthread_create(&t1, NULL, transfer_a_to_b, NULL);
    pthread_create(&t2, NULL, transfer_b_to_a, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}
