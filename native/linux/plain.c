/* An extension module that needs nothing newer than the oldest glibc: the clean twin of most fixtures. */
#include "module.h"

static int counter;

void *MODINIT(void) {
  counter++;
  return &counter;
}
