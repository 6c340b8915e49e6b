/*
 * Stand-in for <stdio.h> when building for a platform whose SDK is not
 * installed here (macOS, MSVC-style Windows): jni.h includes <stdio.h>, and
 * demo.c needs only NULL and snprintf. Used with clang -nostdlibinc, which keeps
 * clang's own <stdarg.h>.
 */
#ifndef DISTAUDIT_STUB_STDIO_H
#define DISTAUDIT_STUB_STDIO_H
#define NULL ((void *)0)
int snprintf(char *buf, __SIZE_TYPE__ size, const char *format, ...);
#endif
