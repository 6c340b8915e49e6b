/* A musl shared object: NEEDED libc.so, no symbol versions. */
#include <stdio.h>

int musl_hello(const char *who) { return printf("hello %s\n", who); }
