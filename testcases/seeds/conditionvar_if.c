// The gas station with `if` instead of `while`. A filler adds 15 litres per second under a
// mutex and signals; each car waits while there are less than 40 litres and takes 40. The
// filler fills 6 times (90 litres) and two cars take 40 litres each. BUG: the car waits under `if`, not `while`: woken after one fill (15
// litres), it takes 40 litres that are not there.
//
// expect: assertion-failure
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
    if (fuel < 40) {  // BUG: a wakeup does not mean the predicate holds
        printf("No fuel. Waiting...\n");
        pthread_cond_wait(&condFuel, &mutexFuel);  // lint: baton-cond-wait-not-in-loop
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
