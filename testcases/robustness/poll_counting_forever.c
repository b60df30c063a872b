// A waiter polls an atomic flag that nobody sets, counts its polls in another atomic and
// pauses between polls. Every turn writes, so the runtime cannot park it as a busy-wait (that
// needs a loop that only reads): the execution runs into the time limit. Its story still
// names the loop and the flag nobody will change.
//
// expect: nontermination
// baton-check-options: --time-limit 2 --max-executions 1
#include <pthread.h>
#include <stdatomic.h>

atomic_int go;
atomic_long polls;

// A back-off between polls: a millisecond or so of work that touches nothing shared.
static void pause_a_little(void) {
    for (volatile int i = 0; i < 1000000; i++) {
    }
}

void* waiter(void* arg) {
    while (!atomic_load(&go)) {
        atomic_fetch_add(&polls, 1);
        pause_a_little();
    }
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, waiter, NULL);
    pthread_join(t, NULL);  // BUG: nobody sets `go`
    return 0;
}
