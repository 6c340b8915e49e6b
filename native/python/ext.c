/*
 * A CPython extension module for the wheel-audit fixtures, built for ELF
 * (gcc), Mach-O (clang + ld64.lld) and PE (MinGW, clang + lld-link) without
 * Python.h: the few C-API functions it calls are declared here and left
 * undefined (ELF, Mach-O with -undefined dynamic_lookup) or imported from a
 * python3XY.dll import library made from a .def (PE), as real extensions do.
 *
 * -DMODNAME=x      the module name: the init function is PyInit_x
 * -DHIDDEN         no export attribute on PyInit_* (with -fvisibility=hidden it is not exported)
 * -DUSE_NEW        stable-ABI functions added in 3.10 (PyType_GetModule, PyType_GetModuleState)
 * -DUSE_NONSTABLE  functions outside the stable ABI (PyUnicode_AsUTF8, _PyObject_GetDictPtr)
 * -DUSE_DEP        dep_value() from libdep (Mach-O)
 * -DUSE_MSVCP, -DUSE_VCOMP, -DUSE_VCRT, -DUSE_VCRT1, -DUSE_DEBUGRT, -DUSE_LIBFOO, -DUSE_CRTSET (PE):
 *                  one function from msvcp140.dll, vcomp140.dll, vcruntime140.dll, vcruntime140_1.dll,
 *                  vcruntime140d.dll + ucrtbased.dll, libfoo.dll, api-ms-win-crt-runtime-l1-1-0.dll
 * -DDELAYLOAD_STUB a stand-in for delayimp.lib's __delayLoadHelper2 (lld-link /delayload without MSVC libs)
 */
typedef struct PyModuleDef PyModuleDef;
typedef struct _object PyObject;
void *PyModule_Create2(PyModuleDef *, int);
PyObject *PyLong_FromLong(long);

#ifndef MODNAME
#define MODNAME demo
#endif
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)

#if defined(HIDDEN)
#define EXPORT
#elif defined(_WIN32)
#define EXPORT __declspec(dllexport)
#else
#define EXPORT __attribute__((visibility("default")))
#endif

#ifdef USE_NEW
PyObject *PyType_GetModule(void *);
void *PyType_GetModuleState(void *);
#endif
#ifdef USE_NONSTABLE
const char *PyUnicode_AsUTF8(PyObject *);
PyObject **_PyObject_GetDictPtr(PyObject *);
#endif
#ifdef USE_DEP
int dep_value(int);
#endif
#ifdef USE_MSVCP
int _Thrd_yield(void);
#endif
#ifdef USE_VCOMP
int omp_get_max_threads(void);
#endif
#ifdef USE_VCRT
int __std_terminate(void);
#endif
#ifdef USE_VCRT1
int __CxxFrameHandler4(void);
#endif
#ifdef USE_DEBUGRT
int __vcrt_debug_terminate(void);
int _CrtDbgReport(void);
#endif
#ifdef USE_LIBFOO
int foo_value(void);
#endif
#ifdef USE_CRTSET
int _initterm(void);
#endif
#ifdef DELAYLOAD_STUB
void *__delayLoadHelper2(const void *descriptor, void **iat_entry) {
  (void)descriptor;
  return *iat_entry;
}
#endif

static PyModuleDef *module_def = 0;
long extra = 0;

EXPORT void *CAT(PyInit_, MODNAME)(void) {
#ifdef USE_NEW
  extra += (long)PyType_GetModuleState(PyType_GetModule(0));
#endif
#ifdef USE_NONSTABLE
  extra += (long)PyUnicode_AsUTF8(0) + (long)_PyObject_GetDictPtr(0);
#endif
#ifdef USE_DEP
  extra += dep_value(2);
#endif
#ifdef USE_MSVCP
  extra += _Thrd_yield();
#endif
#ifdef USE_VCOMP
  extra += omp_get_max_threads();
#endif
#ifdef USE_VCRT
  extra += __std_terminate();
#endif
#ifdef USE_VCRT1
  extra += __CxxFrameHandler4();
#endif
#ifdef USE_DEBUGRT
  extra += __vcrt_debug_terminate() + _CrtDbgReport();
#endif
#ifdef USE_LIBFOO
  extra += foo_value();
#endif
#ifdef USE_CRTSET
  extra += _initterm();
#endif
  extra += (long)PyLong_FromLong(extra);
  return PyModule_Create2(module_def, 1013);
}

#ifdef _WIN32
/* The DLL entry point (the fixtures link with -nostdlib: no CRT start-up code). */
int __stdcall DllMain(void *instance, unsigned long reason, void *reserved) {
  (void)instance;
  (void)reason;
  (void)reserved;
  return 1;
}
#endif
