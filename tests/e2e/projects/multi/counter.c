int counter;

void* work(void* arg) {
    for (int i = 0; i < 1000; i++) counter++;
    return arg;
}
