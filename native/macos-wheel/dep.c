/* libdep for the macOS wheel fixtures: the library an extension loads as @rpath/libdep.dylib. */
int dep_value(int x) { return x * 3; }
