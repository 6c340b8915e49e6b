/* libhelper: the dependency the wheel-missing-dep and wheel-bundled-dep fixtures' extension needs (pymod.c -DUSE_HELPER). */
int helper_value(void) { return 42; }
