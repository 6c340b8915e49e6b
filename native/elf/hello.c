/* An executable: PT_INTERP, .note.ABI-tag (glibc crt1), build id. */
#include <stdio.h>

int main(void) {
  puts("hello");
  return 0;
}
