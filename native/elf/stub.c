/* Freestanding versioned stub library for cross targets without a libc:
   built as libstub.so.1 with stub.map (verdef STUB_1.0, STUB_2.0). */
int stub_old(int x) { return x + 1; }
int stub_new(int x) { return x * 2; }
