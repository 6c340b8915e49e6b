/*
 * A Node-API addon that calls arc4random (glibc 2.36, GLIBC_2.36): built on
 * Debian 12 it loads there, but needs a newer glibc than the official Node
 * builds do (2.28 for Node 18 and later) — what elf.symbol-version-too-new
 * reports for an npm package.
 */
#include <stdlib.h>
#include <node_api.h>

static napi_value roll(napi_env env, napi_callback_info info) {
  napi_value v;
  (void)info;
  napi_create_uint32(env, arc4random(), &v);
  return v;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "roll", NAPI_AUTO_LENGTH, roll, NULL, &fn);
  napi_set_named_property(env, exports, "roll", fn);
  return exports;
}
