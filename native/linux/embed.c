/* An extension module linked against libpython (what manylinux forbids). */
#include "module.h"

extern int Py_IsInitialized(void);

void *MODINIT(void) { return (void *)(long)Py_IsInitialized(); }
