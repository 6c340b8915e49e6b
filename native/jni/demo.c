/*
 * The JNI library behind org.example.demo.Native_Lib (java/org/example/demo/
 * Native_Lib.java): one exported function per native method, named the way
 * the JVM looks it up. The package part of every name comes from
 * DEMO_PACKAGE (default org_example_demo), so the same source also builds
 * the library a correct shader would have produced (shaded_org_example_demo).
 *
 *   add(int, int) / add(long, long)  overloaded: long names __II and __JJ
 *   greet(String)                    short name; calls snprintf (a libc dependency)
 *   get_value()                      '_' in the method name: get_1value
 *   h\u00e9llo(int)                  non-ASCII: h_000e9llo
 *   Inner.twice(int)                 '$' of the inner class: Native_1Lib_00024Inner
 *   echo(byte[]) / echo(String[])    overloaded with arrays: ___3B, ___3Ljava_lang_String_2
 *
 * DEMO_FREESTANDING drops the libc call (for targets linked without a C library).
 */
#include <jni.h>
#include <stdio.h>

#ifndef DEMO_PACKAGE
#define DEMO_PACKAGE org_example_demo
#endif

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define PREFIX CAT(CAT(Java_, DEMO_PACKAGE), _)
#define LIB(name) CAT(PREFIX, CAT(Native_1Lib_, name))
#define INNER(name) CAT(PREFIX, CAT(Native_1Lib_00024Inner_, name))

JNIEXPORT jint JNICALL LIB(add__II)(JNIEnv *env, jclass cls, jint a, jint b) {
  (void)env;
  (void)cls;
  return a + b;
}

JNIEXPORT jlong JNICALL LIB(add__JJ)(JNIEnv *env, jclass cls, jlong a, jlong b) {
  (void)env;
  (void)cls;
  return a + b;
}

JNIEXPORT jstring JNICALL LIB(greet)(JNIEnv *env, jclass cls, jstring who) {
  (void)cls;
#ifdef DEMO_FREESTANDING
  (void)who;
  return (*env)->NewStringUTF(env, "hello");
#else
  char buf[128];
  const char *w = (*env)->GetStringUTFChars(env, who, NULL);
  snprintf(buf, sizeof buf, "hello, %s", w ? w : "?");
  if (w) (*env)->ReleaseStringUTFChars(env, who, w);
  return (*env)->NewStringUTF(env, buf);
#endif
}

JNIEXPORT jint JNICALL LIB(get_1value)(JNIEnv *env, jclass cls) {
  (void)env;
  (void)cls;
  return 42;
}

JNIEXPORT jint JNICALL LIB(h_000e9llo)(JNIEnv *env, jclass cls, jint x) {
  (void)env;
  (void)cls;
  return x + 1;
}

JNIEXPORT jint JNICALL INNER(twice)(JNIEnv *env, jclass cls, jint x) {
  (void)env;
  (void)cls;
  return 2 * x;
}

JNIEXPORT jbyteArray JNICALL LIB(echo___3B)(JNIEnv *env, jclass cls, jbyteArray a) {
  (void)env;
  (void)cls;
  return a;
}

JNIEXPORT jobjectArray JNICALL LIB(echo___3Ljava_lang_String_2)(JNIEnv *env, jclass cls, jobjectArray a) {
  (void)env;
  (void)cls;
  return a;
}
