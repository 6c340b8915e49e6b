/* A non-PIE executable reading a library's data: the linker copies
   dep_counter into the executable (R_X86_64_COPY). */
extern int dep_counter;

int main(void) { return dep_counter; }
