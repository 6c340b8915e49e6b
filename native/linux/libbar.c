/* The leaf of the bundled dependency chain: _chain → libfoo.so.1 → libbar.so.2. */
__attribute__((visibility("default"))) int bar_value(void) { return 2; }
