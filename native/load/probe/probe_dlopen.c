/*
 * The dlopen probe: loads each library named on the command line, in order,
 * as a runtime would (dlopen with RTLD_NOW | RTLD_LOCAL: every symbol bound at
 * load, nothing exported to the next), and reports the dynamic loader's own
 * words (dlerror) for the first that fails. For libraries no runtime loads
 * directly, and for runtimes an image lacks (a JNI library where there is no
 * JVM).
 *
 *   probe_dlopen /art/libfoo.so [more.so ...]
 *
 * The last line of stdout is `DISTAUDIT-PROBE {json}` (src/load/types.ts);
 * exit 0 when all loaded, 1 when one failed, 2 on bad usage. A library whose
 * constructor crashes ends the probe by that signal, with no report.
 *
 * Built per image flavour by src/load/probes.ts: gcc and aarch64-linux-gnu-gcc
 * with -DDISTAUDIT_GLIBC_FLOOR (glibc_floor.h: runs on glibc >= 2.17), musl-gcc.
 */
#include <dlfcn.h>
#include <stdio.h>

#ifdef DISTAUDIT_GLIBC_FLOOR
#include "glibc_floor.h"
#endif
#include "report.h"

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs("usage: probe_dlopen LIBRARY...\n", stderr);
    report(0, "setup", "usage: probe_dlopen LIBRARY...", NULL);
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    if (dlopen(argv[i], RTLD_NOW | RTLD_LOCAL) == NULL) {
      const char *error = dlerror();
      report(0, "load", error != NULL ? error : "dlopen failed without a message", NULL);
      return 1;
    }
  }
  report(1, "load", NULL, NULL);
  return 0;
}
