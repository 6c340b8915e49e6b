/*
 * Needs only old glibc versions: memcpy@GLIBC_2.14 on x86_64 (the version
 * the AVX-era memcpy got), strlen@GLIBC_2.2.5. With -DPIN_MEMCPY the
 * reference binds to memcpy@GLIBC_2.2.5 instead (the old memmove-safe one),
 * so the highest version needed is 2.2.5.
 */
#include <stddef.h>
#include <string.h>
#include "module.h"

#ifdef PIN_MEMCPY
__asm__(".symver memcpy,memcpy@GLIBC_2.2.5");
#endif

__attribute__((visibility("default"))) size_t da_copy(char *dst, const char *src) {
  size_t n = strlen(src);
  memcpy(dst, src, n + 1);
  return n;
}

static char buf[32];

void *MODINIT(void) {
  da_copy(buf, "distaudit");
  return buf;
}
