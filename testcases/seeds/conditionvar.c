// conditionvar.c, from the seed notes: the gas station. A filler adds 15 litres per second
// under a mutex and signals; each car waits in a `while (fuel < 40)` loop and takes 40.
// The notes' loops run forever; here the filler fills 6 times (90 litres) and two cars take
// 40 litres each, so the program ends. Correct: the `while` re-checks the predicate.
// lint: none
// expect: no findings
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

pthread_mutex_t mutexFuel;
pthread_cond_t condFuel;
int fuel = 0;

void* fuel_filling(void* arg) {
    for (int i = 0; i < 6; i++) {
        pthread_mutex_lock(&mutexFuel);
        fuel += 15;
        printf("Filled fuel... %d\n", fuel);
        pthread_mutex_unlock(&mutexFuel);
        pthread_cond_signal(&condFuel);
        sleep(1);
    }
    return NULL;
}

void* car(void* arg) {
    pthread_mutex_lock(&mutexFuel);
    while (fuel < 40) {
        printf("No fuel. Waiting...\n");
        pthread_cond_wait(&condFuel, &mutexFuel);
    }
    fuel -= 40;
    assert(fuel >= 0);
    printf("Got fuel. Now left: %d\n", fuel);
    pthread_mutex_unlock(&mutexFuel);
    return NULL;
}

int main(int argc, char* argv[]) {
    pthread_t filler, cars[2];
    pthread_mutex_init(&mutexFuel, NULL);
    pthread_cond_init(&condFuel, NULL);
    if (pthread_create(&filler, NULL, &fuel_filling, NULL) != 0) return 1;
    for (int i = 0; i < 2; i++)
        if (pthread_create(&cars[i], NULL, &car, NULL) != 0) return 2;
    pthread_join(filler, NULL);
    for (int i = 0; i < 2; i++) pthread_join(cars[i], NULL);
    pthread_mutex_destroy(&mutexFuel);
    pthread_cond_destroy(&condFuel);
    return 0;
}
