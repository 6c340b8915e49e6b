/* libdep: the dependency other fixtures load as @rpath/libdep.dylib. */
int dep_value(int x) { return x * 3; }
int dep_optional(void) { return 1; }
