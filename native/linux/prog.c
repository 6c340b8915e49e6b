/* A program (not a library), as wheels ship in .data/scripts: built with -z execstack. */
#include <stdio.h>

int main(void) {
  puts("distaudit");
  return 0;
}
