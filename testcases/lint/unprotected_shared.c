// baton-unprotected-shared in C: globals written by thread code and accessed by another
// thread with no lock in common; and the shapes that are safe (locks, atomics, thread-locals,
// initialisation before the threads start, reads after they are joined, partitioned arrays).
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

int hits = 0;                    // written by two threads, no lock
static long total = 0;           // one side locks, the other does not
struct { int count; int limit; } stats;
int config = 0;                  // set before the threads start, only read after
int results[4];                  // each thread writes its own slot
atomic_int atomic_hits;          // atomic: not a race
_Thread_local int scratch;       // per thread: not shared
const int kLimit = 10;           // constant: never written
int guarded = 0;                 // always under `lock`
int via_helper = 0;              // under `lock`, taken by a helper
int caller_locked = 0;           // under `lock`, taken by every caller
int sequential = 0;              // threads that never overlap
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void take(void) { pthread_mutex_lock(&lock); }
static void drop(void) { pthread_mutex_unlock(&lock); }
static void bump_locked(void) { caller_locked++; }

void* worker(void* arg) {
    int id = *(int*)arg;
    hits++;  // lint: baton-unprotected-shared{'hits'}
    pthread_mutex_lock(&lock);
    total += id;
    guarded++;
    bump_locked();
    pthread_mutex_unlock(&lock);
    stats.count++;  // lint: baton-unprotected-shared{'stats.count'}
    results[id] = config * kLimit;
    atomic_hits++;
    scratch = id;
    take();
    via_helper++;
    drop();
    return NULL;
}

void* reporter(void* arg) {
    total = 0;  // lint: baton-unprotected-shared{'total'}
    printf("%d %d\n", stats.limit, hits);
    return NULL;
}

void* once(void* arg) {
    sequential++;
    return NULL;
}

int main(void) {
    pthread_t threads[4], other, first, second;
    int ids[4] = {0, 1, 2, 3};
    config = 3;
    for (int i = 0; i < 4; i++) pthread_create(&threads[i], NULL, worker, &ids[i]);
    pthread_create(&other, NULL, reporter, NULL);
    for (int i = 0; i < 4; i++) pthread_join(threads[i], NULL);
    pthread_join(other, NULL);
    printf("%d %ld %d %d\n", hits, total, results[0], guarded);

    pthread_create(&first, NULL, once, NULL);
    pthread_join(first, NULL);
    pthread_create(&second, NULL, once, NULL);
    pthread_join(second, NULL);
    return sequential;
}
