/* Needs pthread_create (GLIBC_2.34 since libpthread moved into libc) and
   arc4random (new in GLIBC_2.36), so its verneed floor is GLIBC_2.36. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

static void *run(void *arg) { return arg; }

int threads_start(void) {
  pthread_t t;
  if (pthread_create(&t, 0, run, 0) != 0) return -1;
  pthread_join(t, 0);
  return (int)(arc4random() & 0xff);
}
