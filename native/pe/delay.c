/*
 * An MSVC-style DLL (clang --target=*-pc-windows-msvc + lld-link) that
 * delay-loads dep.dll (by name and by ordinal: dep_ord is `@9 NONAME` in
 * dep.def) and imports KERNEL32.dll normally. Built for x86_64 and arm64.
 * lld-link's delay-load thunks call __delayLoadHelper2, which MSVC's
 * delayimp.lib provides; /nodefaultlib leaves it to us, so a stub stands in.
 */
__declspec(dllimport) int dep_value(int);
__declspec(dllimport) int dep_other(void);
__declspec(dllimport) int dep_ord(void);
__declspec(dllimport) unsigned long __stdcall GetTickCount(void);

void *__delayLoadHelper2(const void *descriptor, void **iat_entry) {
  (void)descriptor;
  return *iat_entry;
}

__declspec(dllexport) int uses_delay(int x) { return dep_value(x) + dep_other() + dep_ord() + (int)GetTickCount(); }
