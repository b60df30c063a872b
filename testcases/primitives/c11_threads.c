// C11 <threads.h>: thrd_create/join, mtx_t, cnd_t, tss_t and call_once, used correctly.
//
// expect: no findings
#include <assert.h>
#include <threads.h>

mtx_t lock;
cnd_t changed;
once_flag once = ONCE_FLAG_INIT;
tss_t slot;
int counter, setups;

void setup(void) { setups++; }

int work(void* arg) {
    call_once(&once, setup);
    tss_set(slot, arg);
    for (int i = 0; i < 50; i++) {
        mtx_lock(&lock);
        counter++;
        cnd_broadcast(&changed);
        mtx_unlock(&lock);
        thrd_yield();
    }
    assert(tss_get(slot) == arg);
    return (int)(long)arg;
}

int main(void) {
    mtx_init(&lock, mtx_plain);
    cnd_init(&changed);
    tss_create(&slot, NULL);
    thrd_t threads[2];
    for (long i = 0; i < 2; i++) thrd_create(&threads[i], work, (void*)(i + 1));
    mtx_lock(&lock);
    while (counter < 100) cnd_wait(&changed, &lock);
    mtx_unlock(&lock);
    for (int i = 0; i < 2; i++) {
        int result = 0;
        thrd_join(threads[i], &result);
        assert(result == i + 1);
    }
    assert(setups == 1);
    return 0;
}
