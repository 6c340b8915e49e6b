/* A console .exe without the CRT: its entry point writes a line with kernel32 only. */
#include <windows.h>

void __stdcall da_start(void) {
  static const char msg[] = "hello from distaudit\n";
  DWORD written;
  WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), msg, sizeof msg - 1, &written, NULL);
  ExitProcess(0);
}
