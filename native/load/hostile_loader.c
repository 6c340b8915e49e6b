/*
 * dlopens the library named by argv[1] (RTLD_NOW, as the load probes bind) and
 * says whether it loaded. Used with hostile.c: the constructor runs inside dlopen.
 */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s LIBRARY\n", argv[0]);
    return 2;
  }
  void *h = dlopen(argv[1], RTLD_NOW);
  if (!h) {
    fprintf(stderr, "loader: %s\n", dlerror());
    return 1;
  }
  printf("loader: loaded %s\n", argv[1]);
  return 0;
}
