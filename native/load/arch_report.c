/*
 * Prints what the kernel (or qemu-user) says this process runs as:
 * `machine=<uname -m> uid=<uid>`. Built static for aarch64, it proves that an
 * emulated image's programs run, and as which user, without any library of the
 * root filesystem. With the argument `spin` it then starts a setsid'ed child
 * that sleeps forever and spins itself, for the watchdog to end.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(int argc, char **argv) {
  struct utsname u;
  if (uname(&u) != 0) return 1;
  printf("machine=%s uid=%d\n", u.machine, (int)getuid());
  fflush(stdout);
  if (argc > 1 && strcmp(argv[1], "spin") == 0) {
    if (fork() == 0) {
      setsid();
      for (;;) pause();
    }
    for (volatile unsigned long i = 0;; i++) {}
  }
  return 0;
}
