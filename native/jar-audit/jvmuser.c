/*
 * A JNI library that links the JVM itself (JNI_GetCreatedJavaVMs, exported
 * by libjvm.so / libjvm.dylib / jvm.dll), as JNI libraries that look up the
 * running VM do. The JVM provides that library to every JNI library it
 * loads, so a JAR needs no copy of it: deps.missing-library,
 * macos.unresolved-dependency and windows.missing-dll must accept it in a
 * JAR (and still report it in a wheel, where no JVM is around).
 */
#include <jni.h>

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
  JavaVM *vms[1];
  jsize n = 0;
  (void)reserved;
  if (JNI_GetCreatedJavaVMs(vms, 1, &n) != JNI_OK || n < 1 || vms[0] != vm) return JNI_ERR;
  return JNI_VERSION_1_8;
}
