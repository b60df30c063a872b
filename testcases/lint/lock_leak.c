// baton-lock-leak in C: an early return between lock and unlock, a thread routine that ends
// with the mutex held, pthread_exit with it held. A wrapper that always returns holding the
// lock (its callers unlock) and a successful-trylock branch are not leaks.
#include <pthread.h>
#include <stddef.h>

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t other = PTHREAD_MUTEX_INITIALIZER;
int balance = 0;
int forgotten = 0;

int withdraw(int amount) {
    pthread_mutex_lock(&lock);
    if (balance < amount)
        return -1;  // lint: baton-lock-leak{'lock'}
    balance -= amount;
    pthread_mutex_unlock(&lock);
    return 0;
}

static void acquire_all(void) {  // a locking helper: callers release
    pthread_mutex_lock(&lock);
    pthread_mutex_lock(&other);
}

static void release_all(void) {
    pthread_mutex_unlock(&other);
    pthread_mutex_unlock(&lock);
}

void* forgetful(void* arg) {
    pthread_mutex_lock(&other);
    forgotten++;
    return NULL;  // lint: baton-lock-leak{'other'}
}

void* quitter(void* arg) {
    pthread_mutex_lock(&lock);
    if (arg) pthread_exit(NULL);  // lint: baton-lock-leak{pthread_exit}
    pthread_mutex_unlock(&lock);
    return NULL;
}

void* careful(void* arg) {
    acquire_all();
    balance++;
    release_all();
    if (pthread_mutex_trylock(&lock) == 0) {
        balance++;
        pthread_mutex_unlock(&lock);
    }
    withdraw(1);
    return NULL;
}

int main(void) {
    pthread_t a, b, c;
    pthread_create(&a, NULL, forgetful, NULL);
    pthread_create(&b, NULL, quitter, NULL);
    pthread_create(&c, NULL, careful, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    pthread_join(c, NULL);
    return 0;
}
