/*
 * A stand-in for the JDK's libjvm.so to link jvmuser.c against (SONAME
 * libjvm.so, as the JDK's own has): only its name ends up in the fixture.
 */
#include <jni.h>

JNIEXPORT jint JNICALL JNI_GetCreatedJavaVMs(JavaVM **vms, jsize size, jsize *count) {
  (void)vms;
  (void)size;
  *count = 0;
  return JNI_OK;
}
