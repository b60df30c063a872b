// Correct concurrent C that must stay silent: a bounded buffer with two condition variables,
// a lock wrapper taking the mutex through a parameter, macros around the lock calls, a
// trylock retry loop, recursion, goto-based cleanup, threads started in a helper and joined
// in another, and per-thread data passed through the start argument.
// lint: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define LOCK(m) pthread_mutex_lock(m)
#define UNLOCK(m) pthread_mutex_unlock(m)
#define N 8

typedef struct {
    int items[N];
    int count, in, out;
    pthread_mutex_t lock;
    pthread_cond_t not_full, not_empty;
} buffer_t;

static buffer_t buffer = {.lock = PTHREAD_MUTEX_INITIALIZER,
                          .not_full = PTHREAD_COND_INITIALIZER,
                          .not_empty = PTHREAD_COND_INITIALIZER};
static int produced = 0;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t workers[4];

static void locked(pthread_mutex_t* m) { pthread_mutex_lock(m); }
static void unlocked(pthread_mutex_t* m) { pthread_mutex_unlock(m); }

static void put(int item) {
    LOCK(&buffer.lock);
    while (buffer.count == N) pthread_cond_wait(&buffer.not_full, &buffer.lock);
    buffer.items[buffer.in] = item;
    buffer.in = (buffer.in + 1) % N;
    buffer.count++;
    pthread_cond_signal(&buffer.not_empty);
    UNLOCK(&buffer.lock);
}

static int take(void) {
    LOCK(&buffer.lock);
    while (buffer.count == 0) pthread_cond_wait(&buffer.not_empty, &buffer.lock);
    int item = buffer.items[buffer.out];
    buffer.out = (buffer.out + 1) % N;
    buffer.count--;
    pthread_cond_signal(&buffer.not_full);
    UNLOCK(&buffer.lock);
    return item;
}

static int depth(int n) { return n <= 0 ? 0 : 1 + depth(n - 1); }

static void count_one(void) {
    while (pthread_mutex_trylock(&stats_lock) != 0) {
    }
    produced++;
    pthread_mutex_unlock(&stats_lock);
}

typedef struct {
    int id;
    long sum;
} task_t;

static void* producer(void* arg) {
    task_t* task = arg;
    for (int i = 0; i < 100; i++) {
        put(i + depth(3));
        count_one();
        task->sum += i;  // per-thread data through the argument
    }
    locked(&stats_lock);
    produced += task->id;
    unlocked(&stats_lock);
    return NULL;
}

static void* consumer(void* arg) {
    long total = 0;
    for (int i = 0; i < 100; i++) total += take();
    int* result = malloc(sizeof *result);
    if (!result) goto out;
    *result = (int)total;
out:
    return result;
}

static void start(task_t* tasks) {
    pthread_create(&workers[0], NULL, producer, &tasks[0]);
    pthread_create(&workers[1], NULL, producer, &tasks[1]);
    pthread_create(&workers[2], NULL, consumer, NULL);
    pthread_create(&workers[3], NULL, consumer, NULL);
}

static void stop(void) {
    for (int i = 0; i < 4; i++) {
        void* result;
        pthread_join(workers[i], &result);
        free(result == NULL ? NULL : NULL);
    }
}

int main(void) {
    task_t tasks[2] = {{1, 0}, {2, 0}};
    start(tasks);
    stop();
    locked(&stats_lock);
    printf("%d\n", produced);
    unlocked(&stats_lock);
    return 0;
}
