/*
 * A Node-API addon for Windows that imports memset from vcruntime140.dll (the
 * MSVC runtime /MD links): Node ships no Visual C++ runtime, so on a machine
 * without the redistributable it fails to load.
 */
#include <node_api.h>

void *memset(void *s, int c, unsigned long long n);

static napi_value clear(napi_env env, napi_callback_info info) {
  char buf[64];
  napi_value v;
  (void)info;
  memset(buf, 0, sizeof buf);
  napi_create_int32(env, buf[0], &v);
  return v;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "clear", NAPI_AUTO_LENGTH, clear, NULL, &fn);
  napi_set_named_property(env, exports, "clear", fn);
  return exports;
}
