/* A small dylib: two exported functions, a weak definition, a hidden helper,
 * and calls into libSystem (malloc, strlen, printf/puts). */
#include <stddef.h>

int printf(const char *, ...);
void *malloc(size_t);
size_t strlen(const char *);

int greet_counter = 7;

/* A tentative definition: a common symbol (N_UNDF, value = size) in objects built with -fcommon. */
int greet_tentative;

__attribute__((visibility("hidden"))) int greet_hidden(int x) { return x + greet_counter; }

__attribute__((weak)) int greet_hook(int x) { return x * 2; }

int greet_answer(void) { return greet_hidden(35); }

char *greet_dup(const char *s) {
  size_t n = strlen(s);
  char *p = malloc(n + 1);
  for (size_t i = 0; i <= n; i++) p[i] = s[i];
  printf("hello, %s (%d)\n", p, greet_hook((int)n));
  return p;
}
