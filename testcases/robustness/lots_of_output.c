// Two threads print 20 MB between them: baton keeps what it needs and goes on.
//
// expect: no findings
// baton-check-options: --max-executions 2
#include <pthread.h>
#include <stdio.h>

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void* talker(void* arg) {
    for (int i = 0; i < 100000; i++) {
        pthread_mutex_lock(&lock);
        printf("%s line %06d: the quick brown fox jumps over the lazy dog.......\n", (char*)arg, i);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

int main(void) {
    pthread_t a, b;
    pthread_create(&a, NULL, talker, "first ");
    pthread_create(&b, NULL, talker, "second");
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
