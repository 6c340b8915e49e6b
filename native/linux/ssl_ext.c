/* An extension module that needs a bundled libssl (under its common or its hashed SONAME). */
#include "module.h"

extern int OPENSSL_init_ssl(unsigned long long opts, const void *settings);

void *MODINIT(void) { return (void *)(long)OPENSSL_init_ssl(0, 0); }
