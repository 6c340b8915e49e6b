/* An extension module that needs GLIBCXX_3.4.30 from the bundled, renamed libstdc++ stand-in. */
#include "module.h"

extern int da_cxx_feature(void);

void *MODINIT(void) { return (void *)(long)da_cxx_feature(); }
