/* A local IFUNC: the loader calls the resolver (R_X86_64_IRELATIVE). */
static int impl_fast(void) { return 1; }
static int impl_slow(void) { return 2; }
static int (*resolve_pick(void))(void) { return __builtin_cpu_supports("avx2") ? impl_fast : impl_slow; }
static int pick(void) __attribute__((ifunc("resolve_pick")));

int ifunc_call(void) { return pick(); }
