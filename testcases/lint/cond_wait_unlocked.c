// baton-cond-wait-unlocked in C: waiting without the mutex (never taken, or let go too early).
// A helper that waits is fine when its callers hold the mutex, and so is a lock wrapper.
// lint-args: --checks=-*,baton-cond-wait-*
#include <pthread.h>

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
int ready = 0;

static void lock_queue(void) { pthread_mutex_lock(&lock); }
static void unlock_queue(void) { pthread_mutex_unlock(&lock); }

static void wait_ready(void) {
    while (!ready) pthread_cond_wait(&cond, &lock);  // every caller holds `lock`
}

void* forgot(void* arg) {
    while (!ready) pthread_cond_wait(&cond, &lock);  // lint: baton-cond-wait-unlocked
    return NULL;
}

void* too_early(void* arg) {
    pthread_mutex_lock(&lock);
    int seen = ready;
    pthread_mutex_unlock(&lock);
    while (!seen) pthread_cond_wait(&cond, &lock);  // lint: baton-cond-wait-unlocked
    return NULL;
}

void* helper_user(void* arg) {
    pthread_mutex_lock(&lock);
    wait_ready();
    pthread_mutex_unlock(&lock);
    lock_queue();
    while (!ready) pthread_cond_wait(&cond, &lock);
    unlock_queue();
    return NULL;
}

int main(void) {
    pthread_t a, b, c;
    pthread_create(&a, NULL, forgot, NULL);
    pthread_create(&b, NULL, too_early, NULL);
    pthread_create(&c, NULL, helper_user, NULL);
    pthread_mutex_lock(&lock);
    ready = 1;
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&lock);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    pthread_join(c, NULL);
    return 0;
}
