// baton-busy-wait in C: loops that spin re-reading a plain shared variable until another
// thread changes it. Spinning on an atomic, waiting on a condition variable, and loops that
// do work or change what they test are not busy waits.
// Only this check runs: the spun-on variables are also data races (baton-unprotected-shared).
// lint-args: --checks=-*,baton-busy-wait
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>

int ready = 0;
volatile int go = 0;
int done = 0;
int polled = 0;
atomic_int atomic_ready;
int cond_ready = 0;
int never_written = 1;
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t changed = PTHREAD_COND_INITIALIZER;

void* waiter(void* arg) {
    while (!ready);  // lint: baton-busy-wait{'ready'}
    while (go == 0) {  // lint: baton-busy-wait{'volatile'}
    }
    for (;;) {  // lint: baton-busy-wait{'done'}
        if (done) break;
    }
    while (!polled) sched_yield();  // lint: baton-busy-wait{'polled'}
    while (!atomic_load(&atomic_ready));  // atomic: correct, if wasteful
    pthread_mutex_lock(&lock);
    while (!cond_ready) pthread_cond_wait(&changed, &lock);  // blocks: not a spin
    pthread_mutex_unlock(&lock);
    int local = 0;
    while (local < 10) local++;  // changes what it tests
    while (never_written == 0);  // nothing else writes it
    return NULL;
}

void* setter(void* arg) {
    ready = 1;
    go = 1;
    done = 1;
    polled = 1;
    atomic_store(&atomic_ready, 1);
    pthread_mutex_lock(&lock);
    cond_ready = 1;
    pthread_cond_signal(&changed);
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void) {
    pthread_t a, b;
    pthread_create(&a, NULL, waiter, NULL);
    pthread_create(&b, NULL, setter, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
