/*
 * A DLL the Windows wheel fixtures bundle under the names their extensions
 * import (libfoo.dll, msvcp140.dll, vcomp140.dll): it exports the functions
 * those extensions call and imports KERNEL32.dll like any real DLL.
 */
__declspec(dllimport) unsigned long __stdcall GetTickCount(void);

__declspec(dllexport) int foo_value(void) { return (int)GetTickCount(); }
__declspec(dllexport) int _Thrd_yield(void) { return 0; }
__declspec(dllexport) int omp_get_max_threads(void) { return 1; }

int __stdcall DllMain(void *instance, unsigned long reason, void *reserved) {
  (void)instance;
  (void)reason;
  (void)reserved;
  return 1;
}
