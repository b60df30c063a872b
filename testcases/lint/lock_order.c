// baton-lock-order in C: two threads taking two mutexes in opposite orders (directly, and
// through a helper that locks), which can deadlock. The same order everywhere, or opposite
// orders in threads that never run together, cannot.
#include <pthread.h>

pthread_mutex_t accounts = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t journal = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t second = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t left = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t right = PTHREAD_MUTEX_INITIALIZER;

static void write_journal(void) {
    pthread_mutex_lock(&journal);
    pthread_mutex_unlock(&journal);
}

void* transfer(void* arg) {
    pthread_mutex_lock(&accounts);
    write_journal();  // lint: baton-lock-order{'accounts' -> 'journal'}
    pthread_mutex_unlock(&accounts);
    pthread_mutex_lock(&first);
    pthread_mutex_lock(&second);
    pthread_mutex_unlock(&second);
    pthread_mutex_unlock(&first);
    return NULL;
}

void* audit(void* arg) {
    pthread_mutex_lock(&journal);
    pthread_mutex_lock(&accounts);
    pthread_mutex_unlock(&accounts);
    pthread_mutex_unlock(&journal);
    pthread_mutex_lock(&first);  // same order as transfer: fine
    pthread_mutex_lock(&second);
    pthread_mutex_unlock(&second);
    pthread_mutex_unlock(&first);
    return NULL;
}

void* left_then_right(void* arg) {
    pthread_mutex_lock(&left);
    pthread_mutex_lock(&right);
    pthread_mutex_unlock(&right);
    pthread_mutex_unlock(&left);
    return NULL;
}

void* right_then_left(void* arg) {
    pthread_mutex_lock(&right);
    pthread_mutex_lock(&left);
    pthread_mutex_unlock(&left);
    pthread_mutex_unlock(&right);
    return NULL;
}

int main(void) {
    pthread_t a, b, c, d;
    pthread_create(&a, NULL, transfer, NULL);
    pthread_create(&b, NULL, audit, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    // Opposite orders, but one thread is joined before the other starts.
    pthread_create(&c, NULL, left_then_right, NULL);
    pthread_join(c, NULL);
    pthread_create(&d, NULL, right_then_left, NULL);
    pthread_join(d, NULL);
    return 0;
}
