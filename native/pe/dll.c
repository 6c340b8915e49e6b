/*
 * A MinGW DLL for the PE parser tests (x86_64 and i686 builds).
 * - imports by name from KERNEL32.dll (GetTickCount, GetCurrentProcessId) and
 *   msvcrt.dll (malloc, free, strlen);
 * - imports from ordlib.dll by name (DepNamed) and by ordinal only (OrdOnly is
 *   `@5 NONAME` in ordlib.def);
 * - exports (dll.def): named, aliased, ordinal-only (NONAME) and a forwarder;
 * - a section with a name longer than 8 bytes, which MinGW stores as "/<n>"
 *   plus a COFF string table entry (kept even when stripped).
 * Built with -nostdlib and its own DllMain so the image stays a few KB.
 */
#include <windows.h>
#include <stdlib.h>
#include <string.h>

__declspec(dllimport) int OrdOnly(int);
__declspec(dllimport) int DepNamed(int);

__attribute__((section(".da_long_section_name"), used)) const char da_marker[] = "distaudit";

int da_add(int a, int b) { return a + b; }
int da_hidden_by_ordinal(int x) { return x * 3; }
int da_alias_target(int x) { return x - 1; }

DWORD da_ticks(const char *s) {
  DWORD t = GetTickCount();
  char *volatile p = malloc(16); /* volatile: keep the malloc/free imports */
  free(p);
  return t + (DWORD)OrdOnly((int)strlen(s)) + (DWORD)DepNamed(1) + GetCurrentProcessId();
}

BOOL WINAPI DllMain(HINSTANCE h, DWORD reason, LPVOID reserved) {
  (void)h;
  (void)reason;
  (void)reserved;
  return TRUE;
}
