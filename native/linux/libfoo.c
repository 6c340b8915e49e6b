/* The middle of the bundled dependency chain: needs libbar.so.2. */
extern int bar_value(void);

__attribute__((visibility("default"))) int foo_value(void) { return bar_value() + 1; }
