/* A musl extension module that needs _Unwind_Find_FDE@GLIBC_2.0 from a bundled libgcc_s. */
#include "module.h"

extern void *_Unwind_Find_FDE(void *pc, void *bases);

void *MODINIT(void) { return _Unwind_Find_FDE(0, 0); }
