// A race on `counter`, compiled only with -DRACE (to test compile commands and --extra-arg).
#include <pthread.h>

int counter = 0;

void* work(void* arg) {
#ifdef RACE
    counter++;
#endif
    return 0;
}

int main(void) {
    pthread_t a, b;
    pthread_create(&a, 0, work, 0);
    pthread_create(&b, 0, work, 0);
    pthread_join(a, 0);
    pthread_join(b, 0);
    return counter;
}
