/*
 * A JNI library for mips64el, an architecture no manylinux policy covers
 * (JNA ships one at com/sun/jna/linux-mips64el/). Its JNI_OnLoad calls
 * copy_file_range, which glibc added in 2.27: above the 2.17 floor a JAR
 * promises, so elf.symbol-version-too-new must name it even without a policy.
 * Freestanding (no mips64el libc on the build machine): linked with ld.lld
 * against mips_libc_stub.c, a stand-in libc.so.6 (mips_libc_stub.map).
 */
typedef struct JavaVM_ JavaVM;
extern long copy_file_range(int fd_in, long *off_in, int fd_out, long *off_out, unsigned long len, unsigned flags);

__attribute__((visibility("default"))) int JNI_OnLoad(JavaVM *vm, void *reserved) {
  (void)vm;
  (void)reserved;
  return copy_file_range(0, 0, 1, 0, 0, 0) < 0 ? -1 : 0x00010008; /* JNI_VERSION_1_8 */
}
