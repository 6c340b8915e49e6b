/*
 * A stand-in for CPython's shared library (built with SONAME
 * libpython3.11.so.1.0), so linking against it needs no python3-dev.
 */
__attribute__((visibility("default"))) int Py_IsInitialized(void) { return 1; }
