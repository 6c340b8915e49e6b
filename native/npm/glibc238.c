/*
 * A Node-API addon that needs GLIBC_2.38 (__isoc23_strtol, what C23 strtol
 * binds to with glibc 2.38 headers): linked with -nostdlib against a stand-in
 * libc.so.6 (libc_stub.c) whose version script defines that version, since
 * this machine's glibc is 2.36. On Debian 12 it fails with
 * "version `GLIBC_2.38' not found" — the @jazzer.js/fuzzer case.
 */
#include <node_api.h>

long __isoc23_strtol(const char *s, char **end, int base);

static napi_value parse(napi_env env, napi_callback_info info) {
  napi_value v;
  (void)info;
  napi_create_int64(env, __isoc23_strtol("42", 0, 10), &v);
  return v;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "parse", NAPI_AUTO_LENGTH, parse, NULL, &fn);
  napi_set_named_property(env, exports, "parse", fn);
  return exports;
}
