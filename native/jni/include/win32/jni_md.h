/*
 * The machine-dependent part of jni.h for Windows targets, written for the
 * fixtures (the JDK installed here only ships include/linux/jni_md.h). It
 * declares what the JNI specification fixes for Windows: exports through
 * __declspec(dllexport), the __stdcall calling convention (which decorates
 * 32-bit x86 names as _name@N), and the Windows sizes of jint / jlong.
 */
#ifndef DISTAUDIT_JNI_MD_H
#define DISTAUDIT_JNI_MD_H

#define JNIEXPORT __declspec(dllexport)
#define JNIIMPORT __declspec(dllimport)
#define JNICALL __stdcall

typedef long jint;
typedef __int64 jlong;
typedef signed char jbyte;

#endif
