// Unbounded recursion in a thread runs into its stack's guard page: reported as a stack
// overflow in that thread, not as a mysterious segmentation fault.
//
// expect: crash
// baton-check-options: --max-executions 1
#include <pthread.h>

int depth(int n) {
    volatile char frame[256];
    frame[0] = (char)n;
    return depth(n + 1) + frame[0];  // BUG: no base case
}

void* worker(void* arg) { return (void*)(long)depth(0); }

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return 0;
}
