/*
 * A stand-in for GCC's libgcc_s as musllinux wheels bundle it: besides its
 * GCC_* versions it defines GLIBC_2.0 (for _Unwind_Find_FDE), on musl too, so
 * a GLIBC_* version needed from it says nothing about the C library.
 */
__attribute__((visibility("default"))) void *_Unwind_Find_FDE(void *pc, void *bases) {
  (void)bases;
  return pc;
}
