/*
 * The JNI library behind org.example.reg.Registered: its natives are static
 * functions bound with RegisterNatives from JNI_OnLoad, so the library exports
 * no Java_ names at all (netty and JNA work this way). Built with
 * -fvisibility=hidden, so JNI_OnLoad (JNIEXPORT) is the only JNI export.
 *
 * With NO_ONLOAD the registration function is exported under another name
 * the JVM never calls: the library then binds nothing, and every call of a
 * Registered native fails with UnsatisfiedLinkError.
 */
#include <jni.h>

static jint mul(JNIEnv *env, jclass cls, jint a, jint b) {
  (void)env;
  (void)cls;
  return a * b;
}

static jstring name(JNIEnv *env, jclass cls) {
  (void)cls;
  return (*env)->NewStringUTF(env, "registered");
}

static JNINativeMethod methods[] = {
    {(char *)"mul", (char *)"(II)I", (void *)mul},
    {(char *)"name", (char *)"()Ljava/lang/String;", (void *)name},
};

static jint register_natives(JavaVM *vm) {
  JNIEnv *env;
  if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK) return JNI_ERR;
  jclass cls = (*env)->FindClass(env, "org/example/reg/Registered");
  if (cls == NULL) return JNI_ERR;
  if ((*env)->RegisterNatives(env, cls, methods, (jint)(sizeof methods / sizeof methods[0])) != 0) return JNI_ERR;
  return JNI_VERSION_1_8;
}

#ifndef NO_ONLOAD
JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
  (void)reserved;
  return register_natives(vm);
}
#else
JNIEXPORT jint JNICALL registered_init(JavaVM *vm) {
  return register_natives(vm);
}
#endif
