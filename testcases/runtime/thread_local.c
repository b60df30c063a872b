// Thread-local variables are per thread: each of three threads increments its own
// `__thread` and `_Thread_local` counters, yielding between increments so that the threads
// interleave, and checks that nobody else's increments reached its copies.
//
// expect: no findings
#include <assert.h>
#include <pthread.h>
#include <sched.h>

__thread int counter;
_Thread_local long total = 100;

void* work(void* arg) {
    long id = (long)arg;
    for (int i = 0; i < 1000; i++) {
        counter++;
        total += id;
        if (i % 7 == 0) sched_yield();
    }
    assert(counter == 1000);
    assert(total == 100 + 1000 * id);
    return NULL;
}

int main(void) {
    pthread_t threads[3];
    for (long i = 0; i < 3; i++) pthread_create(&threads[i], NULL, work, (void*)(i + 1));
    for (int i = 0; i < 3; i++) pthread_join(threads[i], NULL);
    assert(counter == 0 && total == 100);  // main's own copies were never touched
    return 0;
}
