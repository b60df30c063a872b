// The correct twin of lock_order.c: both transfers take `a` before `b`, so neither can hold
// one mutex while waiting for the other's holder.
//
// expect: no findings
#include <assert.h>
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
    pthread_mutex_lock(&a);
    pthread_mutex_lock(&b);
    balance_b -= 10;
    balance_a += 10;
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&a);
    return NULL;
}

int main(void) {
    pthread_t t1, t2;
    pthread_create(&t1, NULL, transfer_a_to_b, NULL);
    pthread_create(&t2, NULL, transfer_b_to_a, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    assert(balance_a + balance_b == 200);
    return 0;
}
