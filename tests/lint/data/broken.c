// Does not compile: baton lint shows Clang's error and exits 2, and still analyzes the
// other files of the run.
int main(void) {
    return undeclared_variable
}
