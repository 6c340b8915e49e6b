/* An extension module that needs the bundled libfoo.so.1 (which needs libbar.so.2). */
#include "module.h"

extern int foo_value(void);

void *MODINIT(void) { return (void *)(long)foo_value(); }
