/*
 * A JNI library whose only entry point is JNI_OnLoad and which calls two
 * functions glibc added in 2.25 (getrandom, explicit_bzero): it needs
 * GLIBC_2.25, above the 2.17 floor distaudit assumes for JAR natives, so
 * elf.symbol-version-too-new must name both symbols. musl has both (since
 * 1.1.20), so the library also loads on musl: jar.no-musl-build stays quiet.
 */
#include <jni.h>
#include <string.h>
#include <sys/random.h>

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
  unsigned char seed[16];
  (void)vm;
  (void)reserved;
  if (getrandom(seed, sizeof seed, 0) < 0) return JNI_ERR;
  explicit_bzero(seed, sizeof seed);
  return JNI_VERSION_1_8;
}
