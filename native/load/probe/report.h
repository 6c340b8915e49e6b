/*
 * The probe report, written by the C probes (probe_dlopen.c, napi_probe.c):
 * the last line of stdout is `DISTAUDIT-PROBE {json}` (src/load/types.ts,
 * ProbeReport). Strings are JSON-escaped byte by byte; bytes >= 0x80 pass
 * through (the reader decodes UTF-8 with replacement, so a file name in
 * another encoding still gives valid JSON).
 */
#ifndef DISTAUDIT_PROBE_REPORT_H
#define DISTAUDIT_PROBE_REPORT_H

#include <stdio.h>

static void json_string(const char *s) {
  if (s == NULL) {
    fputs("null", stdout);
    return;
  }
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') {
      putchar('\\');
      putchar(*p);
    } else if (*p == '\n') {
      fputs("\\n", stdout);
    } else if (*p < 0x20 || *p == 0x7f) {
      printf("\\u%04x", *p);
    } else {
      putchar(*p);
    }
  }
  putchar('"');
}

/* partial: NULL, or what the probe left unchecked (e.g. "resolution-only"). */
static void report(int ok, const char *stage, const char *error, const char *partial) {
  /* A new line first: whatever a library's constructor printed without one stays on its own line. */
  fputs("\nDISTAUDIT-PROBE {\"ok\":", stdout);
  fputs(ok ? "true" : "false", stdout);
  fputs(",\"stage\":", stdout);
  json_string(stage);
  fputs(",\"error\":", stdout);
  json_string(error);
  fputs(",\"errorType\":null", stdout);
  if (partial != NULL) {
    fputs(",\"partial\":", stdout);
    json_string(partial);
  }
  fputs("}\n", stdout);
  fflush(stdout);
}

#endif
