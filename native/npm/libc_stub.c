/* A stand-in libc.so.6 that defines __isoc23_strtol@@GLIBC_2.38 (libc_stub.map); only linked against, never loaded. */
long __isoc23_strtol(const char *s, char **end, int base) {
  (void)s;
  (void)end;
  (void)base;
  return 0;
}
