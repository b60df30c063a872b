// The worker half of cross_file.c (analyzed together with it).
int shared_total = 0;

static void add(int n) {
    shared_total += n;  // lint: baton-unprotected-shared{'shared_total'}
}

void* cross_file_worker(void* arg) {
    add(1);
    return 0;
}
