// The thread model in C: a library without main (every uncalled function is main-thread code),
// threads started by threads, a thread started in a loop and joined in the same iteration
// (one at a time), and C11 thrd_create.
#include <pthread.h>
#include <threads.h>

int library_state = 0;
int nested_state = 0;
int one_at_a_time = 0;
int c11_state = 0;

static void* library_worker(void* arg) {
    library_state++;  // lint: baton-unprotected-shared{'library_state'}
    return 0;
}

void library_start(void) {  // no main in this file: whoever calls this is the main thread
    pthread_t t;
    pthread_create(&t, 0, library_worker, 0);
    library_state = 5;
    pthread_join(t, 0);
}

static void* grandchild(void* arg) {
    nested_state = 1;
    // lint^: baton-unprotected-shared{'nested_state'}
    return 0;
}

static void* child(void* arg) {
    pthread_t t;
    pthread_create(&t, 0, grandchild, 0);
    nested_state = 2;  // races with the grandchild (reported once, at its first write)
    pthread_join(t, 0);
    return 0;
}

void start_nested(void) {
    pthread_t t;
    pthread_create(&t, 0, child, 0);
    pthread_join(t, 0);
}

static void* serial(void* arg) {
    one_at_a_time++;
    return 0;
}

void run_serially(void) {
    for (int i = 0; i < 3; i++) {
        pthread_t t;
        pthread_create(&t, 0, serial, 0);
        pthread_join(t, 0);
    }
}

static int c11_worker(void* arg) {
    c11_state++;  // lint: baton-unprotected-shared{'c11_state'}
    return 0;
}

void start_c11(void) {
    thrd_t a, b;
    thrd_create(&a, c11_worker, 0);
    thrd_create(&b, c11_worker, 0);
    thrd_join(a, 0);
    thrd_join(b, 0);
}
