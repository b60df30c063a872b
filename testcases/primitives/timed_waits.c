// Timed waits end on virtual time: a condition variable nobody signals times out after its
// 5 seconds, a trylock on a held mutex fails, a timed lock on it gives up, and sleeping
// 100 seconds takes no real time (the test's own time limit would catch a real sleep).
// Semaphores, not sleeps, order the threads: sleeping is no synchronization, and baton
// does run schedules where a thread is slower than another's sleep.
//
// expect: no findings
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>
#include <unistd.h>

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
sem_t locked, release;

void* holder(void* arg) {
    pthread_mutex_lock(&lock);
    sem_post(&locked);
    sem_wait(&release);
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void) {
    struct timespec start, now, deadline;
    clock_gettime(CLOCK_REALTIME, &start);
    deadline = start;
    deadline.tv_sec += 5;
    pthread_mutex_lock(&lock);
    assert(pthread_cond_timedwait(&cond, &lock, &deadline) == ETIMEDOUT);
    pthread_mutex_unlock(&lock);
    clock_gettime(CLOCK_REALTIME, &now);
    assert(now.tv_sec >= start.tv_sec + 5);

    sem_init(&locked, 0, 0);
    sem_init(&release, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, holder, NULL);
    sem_wait(&locked);
    assert(pthread_mutex_trylock(&lock) == EBUSY);
    deadline.tv_sec = now.tv_sec + 10;
    assert(pthread_mutex_timedlock(&lock, &deadline) == ETIMEDOUT);
    sem_post(&release);
    pthread_join(t, NULL);

    sleep(100);
    assert(time(NULL) >= start.tv_sec + 115);
    return 0;
}
