/*
 * Keeps a glibc-linked probe loadable on old glibc although it is built
 * against the host's newer one (Debian 12: glibc 2.36).
 *
 * glibc 2.34 moved dlopen/dlerror into libc.so.6 under a new version
 * (dlopen@@GLIBC_2.34) and gave __libc_start_main a new version too, which
 * the host's crt1.o references; a probe linked the ordinary way therefore
 * needs GLIBC_2.34 and fails on Debian 11 (glibc 2.31). Here the probe binds
 * the old versions explicitly, which every glibc since keeps as compat
 * symbols (in libdl.so.2 before 2.34, in libc.so.6 after), and brings its own
 * _start (built with -nostartfiles) in place of crt1.o. The oldest version it
 * then needs is the architecture's base: GLIBC_2.2.5 (x86_64), GLIBC_2.17
 * (aarch64). Link with -Wl,--no-as-needed -l:libdl.so.2 so libdl.so.2 is
 * loaded where it still holds dlopen (glibc >= 2.34 has no libdl.so to link
 * with -ldl, only an empty libdl.a).
 *
 * _start follows glibc's own sysdeps/<arch>/start.S, passing NULL for the
 * init/fini arguments (which old glibc checks for NULL; the probe has no
 * constructors of its own).
 */
#ifndef DISTAUDIT_GLIBC_FLOOR_H
#define DISTAUDIT_GLIBC_FLOOR_H

#if defined(__x86_64__)
#define GLIBC_BASE "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define GLIBC_BASE "GLIBC_2.17"
#else
#error "glibc_floor.h: no _start for this architecture"
#endif

__asm__(".symver dlopen,dlopen@" GLIBC_BASE);
__asm__(".symver dlerror,dlerror@" GLIBC_BASE);
__asm__(".symver dlsym,dlsym@" GLIBC_BASE);
__asm__(".symver __libc_start_main,__libc_start_main@" GLIBC_BASE);

#if defined(__x86_64__)
__asm__(
    ".text\n"
    ".globl _start\n"
    ".type _start,@function\n"
    "_start:\n"
    "  xorl %ebp, %ebp\n"
    "  movq %rdx, %r9\n"             /* rtld_fini, from the dynamic loader */
    "  popq %rsi\n"                  /* argc */
    "  movq %rsp, %rdx\n"            /* argv */
    "  andq $~15, %rsp\n"
    "  pushq %rax\n"
    "  pushq %rsp\n"                 /* stack_end */
    "  xorl %r8d, %r8d\n"            /* fini */
    "  xorl %ecx, %ecx\n"            /* init */
    "  leaq main(%rip), %rdi\n"
    "  call *__libc_start_main@GOTPCREL(%rip)\n"
    "  hlt\n"
    ".size _start, .-_start\n");
#elif defined(__aarch64__)
__asm__(
    ".text\n"
    ".globl _start\n"
    ".type _start,%function\n"
    "_start:\n"
    "  mov x29, #0\n"
    "  mov x30, #0\n"
    "  mov x5, x0\n"                 /* rtld_fini */
    "  ldr x1, [sp]\n"               /* argc */
    "  add x2, sp, #8\n"             /* argv */
    "  mov x6, sp\n"                 /* stack_end */
    "  mov x3, #0\n"                 /* init */
    "  mov x4, #0\n"                 /* fini */
    "  adrp x0, :got:main\n"
    "  ldr x0, [x0, #:got_lo12:main]\n"
    "  bl __libc_start_main\n"
    "  bl abort\n"
    ".size _start, .-_start\n");
#endif

#endif
