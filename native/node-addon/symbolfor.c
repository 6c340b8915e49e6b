/* A Node-API 9 addon: it calls node_api_symbol_for (added in version 9) and declares 9. */
#include <node_api.h>

static napi_value key(napi_env env, napi_callback_info info) {
  napi_value sym;
  (void)info;
  node_api_symbol_for(env, "distaudit.key", NAPI_AUTO_LENGTH, &sym);
  return sym;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "key", NAPI_AUTO_LENGTH, key, NULL, &fn);
  napi_set_named_property(env, exports, "key", fn);
  return exports;
}
