/* A tiny shared object for builds that differ only in linker flags. */
int small_add(int a, int b) { return a + b; }
int small_counter;
