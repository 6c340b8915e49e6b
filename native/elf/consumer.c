/* Links libdep.so.1 with RUNPATH $ORIGIN: NEEDED libdep.so.1 and verneed
   DEP_1.0, DEP_2.0 and DEP_3.0 (only weakly referenced). */
extern int dep_old(void);
extern int dep_new(void);
extern int dep_weakref(void) __attribute__((weak));

int consumer_use(void) { return dep_old() + dep_new() + (dep_weakref ? dep_weakref() : 0); }
