/*
 * References __cxa_thread_atexit_impl (glibc 2.18), which every manylinux
 * policy up to manylinux_2_17 blacklists: libstdc++ of a newer toolchain
 * calls it for thread_local destructors. With -DWEAK_REF the reference is
 * weak (checked for NULL before the call), which auditwheel accepts.
 */
#include "module.h"

#ifdef WEAK_REF
extern int __cxa_thread_atexit_impl(void (*)(void *), void *, void *) __attribute__((weak));
#else
extern int __cxa_thread_atexit_impl(void (*)(void *), void *, void *);
#endif
extern void *__dso_handle;

static void dtor(void *p) { (void)p; }

void *MODINIT(void) {
#ifdef WEAK_REF
  if (!__cxa_thread_atexit_impl) return 0;
#endif
  __cxa_thread_atexit_impl(dtor, 0, &__dso_handle);
  return 0;
}
