/* Not an addon: a plain shared library. */
__attribute__((visibility("default"))) int add(int a, int b) { return a + b; }
