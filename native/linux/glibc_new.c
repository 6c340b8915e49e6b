/*
 * Needs GLIBC_2.34 (pthread_create and pthread_join moved into libc.so.6 in
 * glibc 2.34) and GLIBC_2.36 (arc4random) when built on Debian 12.
 */
#include <pthread.h>
#include <stdlib.h>
#include "module.h"

static void *run(void *arg) { return arg; }

void *MODINIT(void) {
  pthread_t t;
  void *out = 0;
  if (pthread_create(&t, 0, run, &out) != 0) return 0;
  pthread_join(t, &out);
  return (void *)(unsigned long)arc4random();
}
