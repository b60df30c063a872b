// Threads get glibc's default stack size (8 MiB): a 4 MiB array on a thread's stack works,
// and a thread created with a 16 MiB stack size (pthread_attr_setstacksize) can hold 12 MiB.
//
// expect: no findings
// baton-check-options: --max-executions 2
#include <assert.h>
#include <pthread.h>
#include <string.h>

void* four_megabytes(void* arg) {
    char big[4 << 20];
    memset(big, 1, sizeof big);
    return (void*)(long)big[12345];
}

void* twelve_megabytes(void* arg) {
    char big[12 << 20];
    memset(big, 2, sizeof big);
    return (void*)(long)big[sizeof big - 1];
}

int main(void) {
    pthread_t a, b;
    void* result;
    pthread_create(&a, NULL, four_megabytes, NULL);
    pthread_join(a, &result);
    assert(result == (void*)1);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 16 << 20);
    pthread_create(&b, &attr, twelve_megabytes, NULL);
    pthread_join(b, &result);
    assert(result == (void*)2);
    return 0;
}
