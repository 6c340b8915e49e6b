/*
 * An extension module that needs the system's libexpat.so.1 (linked by file
 * name against Debian's runtime library): allowed from manylinux_2_12 on,
 * external for manylinux_2_5.
 */
#include "module.h"

extern void *XML_ParserCreate(const char *encoding);

void *MODINIT(void) { return XML_ParserCreate(0); }
