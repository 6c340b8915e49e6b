/*
 * Built with NAPI_VERSION=8 (so NAPI_MODULE_INIT declares 8) but calling
 * node_api_symbol_for, a Node-API 9 function the version-8 headers do not
 * declare (declared here by hand): it imports more than it declares.
 */
#define NAPI_VERSION 8
#include <node_api.h>

napi_status node_api_symbol_for(napi_env env, const char *utf8description, size_t length, napi_value *result);

static napi_value sym(napi_env env, napi_callback_info info) {
  napi_value v;
  (void)info;
  node_api_symbol_for(env, "demo", NAPI_AUTO_LENGTH, &v);
  return v;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "sym", NAPI_AUTO_LENGTH, sym, NULL, &fn);
  napi_set_named_property(env, exports, "sym", fn);
  return exports;
}
