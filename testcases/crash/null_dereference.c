// A worker dereferences a pointer another thread has not set yet: a crash (SIGSEGV) in
// the worker, reported with its stack; the pointer's race is reported too.
//
// expect: crash
// may: data-race on 'config'
#include <pthread.h>
#include <stdlib.h>

struct settings {
    int verbosity;
};
struct settings* config;

void* worker(void* arg) {
    return (void*)(long)config->verbosity;  // BUG: config may still be NULL
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    config = malloc(sizeof *config);
    config->verbosity = 1;
    pthread_join(t, NULL);
    free(config);
    return 0;
}
