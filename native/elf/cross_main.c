/* Freestanding user of libstub.so.1: NEEDED libstub.so.1, verneed STUB_1.0
   and STUB_2.0; defines its own versioned symbols through cross_main.map. */
extern int stub_old(int);
extern int stub_new(int);

int cross_entry(int x) { return stub_old(x) + stub_new(x); }
int cross_data = 42;
