/* A stand-in libc.so.6 defining copy_file_range@@GLIBC_2.27 (mips_libc_stub.map); only linked against, never loaded. */
long copy_file_range(int fd_in, long *off_in, int fd_out, long *off_out, unsigned long len, unsigned flags) {
  (void)fd_in;
  (void)off_in;
  (void)fd_out;
  (void)off_out;
  (void)len;
  (void)flags;
  return 0;
}
