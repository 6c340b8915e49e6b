/*
 * The module init function of a CPython extension, without Python.h: what
 * makes a shared object an extension module for auditwheel and distaudit is
 * an exported, defined function PyInit_<name>, where <name> is the file name
 * up to its first dot. MODNAME is set per build (-DMODNAME=_core).
 */
#ifndef DISTAUDIT_MODULE_H
#define DISTAUDIT_MODULE_H
#define DA_CAT_(a, b) a##b
#define DA_CAT(a, b) DA_CAT_(a, b)
#ifndef MODNAME
#define MODNAME _core
#endif
#define MODINIT DA_CAT(PyInit_, MODNAME)
#ifdef __cplusplus
extern "C"
#endif
__attribute__((visibility("default"))) void *MODINIT(void);
#endif
