/* The i386 variant of delay.c: the helper is __stdcall there. */
__declspec(dllimport) int dep_value(int);
__declspec(dllimport) int dep_other(void);

void *__stdcall __delayLoadHelper2(const void *descriptor, void **iat_entry) {
  (void)descriptor;
  return *iat_entry;
}

__declspec(dllexport) int uses_delay(int x) { return dep_value(x) + dep_other(); }
