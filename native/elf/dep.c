/* libdep.so.1: a bundled dependency with a SONAME and versions from dep.map. */
int dep_old(void) { return 1; }
int dep_new(void) { return 2; }
int dep_weakref(void) { return 3; }
int dep_counter = 5; /* data an executable copies in (R_X86_64_COPY) */
