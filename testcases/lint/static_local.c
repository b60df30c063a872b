// baton-static-local in C: functions keeping mutable static state that run in two threads at
// once: a returned static buffer (unsafe whatever locks the function takes), a static counter
// written without a lock. Static constants, statics under a lock and statics of functions that
// only one thread runs are fine.
#include <pthread.h>
#include <stdio.h>

pthread_mutex_t ids_lock = PTHREAD_MUTEX_INITIALIZER;

const char* format_id(int id) {
    static char text[32];
    pthread_mutex_lock(&ids_lock);  // the lock does not help: the caller reads `text` later
    snprintf(text, sizeof text, "id-%d", id);
    pthread_mutex_unlock(&ids_lock);
    return text;  // lint: baton-static-local{'text'}
}

int next_ticket(void) {
    static int ticket = 0;
    return ++ticket;  // lint: baton-static-local{'ticket'}
}

int next_locked(void) {
    static int serial = 0;
    pthread_mutex_lock(&ids_lock);
    int mine = ++serial;
    pthread_mutex_unlock(&ids_lock);
    return mine;
}

int lookup(int i) {
    static const int table[] = {1, 2, 3};
    return table[i % 3];
}

int main_only(void) {
    static int calls = 0;
    return ++calls;
}

void* worker(void* arg) {
    printf("%s %d %d %d\n", format_id(1), next_ticket(), next_locked(), lookup(2));
    return NULL;
}

int main(void) {
    main_only();
    pthread_t a, b;
    pthread_create(&a, NULL, worker, NULL);
    pthread_create(&b, NULL, worker, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return main_only();
}
