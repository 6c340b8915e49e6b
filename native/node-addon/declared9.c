/*
 * A Node-API addon built with NAPI_VERSION=9 (the build defines it):
 * NAPI_MODULE_INIT (node_api.h) exports node_api_module_get_api_version_v1
 * returning 9, although every function it calls is Node-API 1 — the case of
 * @img/sharp, which declares 9 while its imports need 5.
 */
#include <node_api.h>

static napi_value hello(napi_env env, napi_callback_info info) {
  napi_value s;
  (void)info;
  napi_create_string_utf8(env, "hello", NAPI_AUTO_LENGTH, &s);
  return s;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "hello", NAPI_AUTO_LENGTH, hello, NULL, &fn);
  napi_set_named_property(env, exports, "hello", fn);
  return exports;
}
