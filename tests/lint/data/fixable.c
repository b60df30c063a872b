// Calls with mechanical reentrant replacements; the fix-its must produce code that compiles
// and is no longer flagged.
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void* work(void* arg) {
    char text[] = "a b c";
    for (char* word = strtok(text, " "); word; word = strtok(NULL, " ")) puts(word);
    time_t now = time(NULL);
    struct tm* parts = localtime(&now);
    printf("%d %s", parts->tm_hour, ctime(&now));
    return NULL;
}

int main(void) {
    pthread_t a, b;
    pthread_create(&a, NULL, work, NULL);
    pthread_create(&b, NULL, work, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
