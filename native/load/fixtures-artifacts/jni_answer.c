/*
 * The JNI library behind org.example.loadfix.Answer (java/…/Answer.java):
 * Java_org_example_loadfix_Answer_answer parses "42".
 *   (none)          strtol@GLIBC_2.2.5 (aarch64: 2.17)
 *   -DUSE_GLIBC238  __isoc23_strtol: link with -nostdlib against a stand-in
 *                   libc.so.6 that defines GLIBC_2.38 (native/npm/libc_stub.c)
 */
#include <jni.h>

#ifdef USE_GLIBC238
long __isoc23_strtol(const char *s, char **end, int base);
#define PARSE __isoc23_strtol
#else
long strtol(const char *s, char **end, int base);
#define PARSE strtol
#endif

JNIEXPORT jint JNICALL Java_org_example_loadfix_Answer_answer(JNIEnv *env, jclass cls) {
  (void)env;
  (void)cls;
  return (jint)PARSE("42", 0, 10);
}
