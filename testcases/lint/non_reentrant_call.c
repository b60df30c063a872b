// baton-non-reentrant-call in C: functions with hidden static state called from code that runs
// in two threads at once. Calls before the threads start, calls from a single thread, calls
// under one common lock and the reentrant `_r` forms are fine.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

pthread_mutex_t error_lock = PTHREAD_MUTEX_INITIALIZER;

void* tokenizer(void* arg) {
    char line[64];
    strcpy(line, (const char*)arg);
    for (char* word = strtok(line, " "); word; word = strtok(NULL, " "))  // lint: baton-non-reentrant-call{'strtok_r'}, baton-non-reentrant-call
        puts(word);
    return NULL;
}

void* dice(void* arg) {
    int roll = rand() % 6;  // lint: baton-non-reentrant-call{'rand_r'}
    time_t now = time(NULL);
    struct tm* parts = localtime(&now);  // lint: baton-non-reentrant-call{'localtime_r'}
    pthread_mutex_lock(&error_lock);
    char* text = strerror(roll);  // both strerror calls hold error_lock: fine
    pthread_mutex_unlock(&error_lock);
    char buffer[64];
    char* saved = NULL;
    strcpy(buffer, "a b");
    strtok_r(buffer, " ", &saved);  // reentrant
    return (void*)(long)(roll + parts->tm_sec + text[0]);
}

void* clock_thread(void* arg) {
    pthread_mutex_lock(&error_lock);
    printf("%s", strerror(2));
    pthread_mutex_unlock(&error_lock);
    return NULL;
}

void* lonely(void* arg) {
    char text[] = "only one thread tokenizes with strtok here";
    char* word = strtok(text, " ");  // one thread only, and no other strtok runs meanwhile
    return word;
}

int main(void) {
    char config[] = "a=1 b=2";
    strtok(config, " ");  // before any thread: single-threaded
    srand(42);
    pthread_t a, b, c, d, e, f;
    pthread_create(&a, NULL, tokenizer, "one two");
    pthread_create(&b, NULL, tokenizer, "three four");
    pthread_create(&c, NULL, dice, NULL);
    pthread_create(&d, NULL, dice, NULL);
    pthread_create(&e, NULL, clock_thread, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    pthread_join(c, NULL);
    pthread_join(d, NULL);
    pthread_join(e, NULL);
    pthread_create(&f, NULL, lonely, NULL);
    pthread_join(f, NULL);
    return 0;
}
