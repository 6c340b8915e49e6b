/* A Python-extension-like bundle (MH_BUNDLE): PyInit_ is exported and the
 * CPython API is left undefined for the interpreter to provide at load time
 * (-undefined dynamic_lookup, library ordinal 0xfe). */
typedef struct PyModuleDef PyModuleDef;
void *PyModule_Create2(PyModuleDef *, int);
PyModuleDef *demo_def_ptr = 0;

void *PyInit_demo(void) { return PyModule_Create2(demo_def_ptr, 1013); }
