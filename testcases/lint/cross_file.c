// A program in two files: main here starts the threads, the worker lives in
// cross_file_worker.part.c. The thread model follows the call across files (functions are
// matched by USR), so the race on `shared_total` is found in the worker's file.
// lint-with: cross_file_worker.part.c
#include <pthread.h>

void* cross_file_worker(void* arg);

int main(void) {
    pthread_t a, b;
    pthread_create(&a, NULL, cross_file_worker, NULL);
    pthread_create(&b, NULL, cross_file_worker, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
