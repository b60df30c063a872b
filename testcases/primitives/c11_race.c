// C11 threads incrementing a shared counter without a mutex.
//
// expect: data-race on 'counter'
#include <threads.h>

int counter;

int work(void* arg) {
    for (int i = 0; i < 100; i++) counter++;
    return 0;
}

int main(void) {
    thrd_t a, b;
    thrd_create(&a, work, NULL);
    thrd_create(&b, work, NULL);
    thrd_join(a, NULL);
    thrd_join(b, NULL);
    return 0;
}
