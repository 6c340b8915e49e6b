/* Uses libdep: a normal import and a weak import (N_WEAK_REF). */
int dep_value(int);
extern int dep_optional(void) __attribute__((weak_import));

int usedep(int x) { return dep_value(x) + (dep_optional ? dep_optional() : 0); }
