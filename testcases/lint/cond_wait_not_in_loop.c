// baton-cond-wait-not-in-loop in C: waits that test their predicate once (`if`) or never.
// `while`, `do ... while` and `for (;;) { if (pred) break; wait; }` under the mutex are right.
#include <pthread.h>
#include <threads.h>

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
mtx_t c11_lock;
cnd_t c11_cond;
int items = 0;
int running = 1;

void* once_if(void* arg) {
    pthread_mutex_lock(&lock);
    if (items == 0)
        pthread_cond_wait(&cond, &lock);  // lint: baton-cond-wait-not-in-loop
    items--;
    pthread_mutex_unlock(&lock);
    return NULL;
}

void* never(void* arg) {
    mtx_lock(&c11_lock);
    cnd_wait(&c11_cond, &c11_lock);  // lint: baton-cond-wait-not-in-loop
    mtx_unlock(&c11_lock);
    return NULL;
}

void* outer_loop_only(void* arg) {
    while (running) {  // tested without the mutex: not the wait's predicate
        pthread_mutex_lock(&lock);
        pthread_cond_wait(&cond, &lock);  // lint: baton-cond-wait-not-in-loop
        items--;
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

void* correct(void* arg) {
    pthread_mutex_lock(&lock);
    while (items == 0) pthread_cond_wait(&cond, &lock);
    do {
        pthread_cond_wait(&cond, &lock);
    } while (items < 2);
    for (;;) {
        if (items > 3) break;
        pthread_cond_wait(&cond, &lock);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void) {
    pthread_t threads[4];
    mtx_init(&c11_lock, mtx_plain);
    cnd_init(&c11_cond);
    pthread_create(&threads[0], NULL, once_if, NULL);
    pthread_create(&threads[1], NULL, never, NULL);
    pthread_create(&threads[2], NULL, outer_loop_only, NULL);
    pthread_create(&threads[3], NULL, correct, NULL);
    for (int i = 0; i < 4; i++) pthread_join(threads[i], NULL);
    return 0;
}
