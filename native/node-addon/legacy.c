/*
 * Legacy Node-API registration, as bufferutil, utf-8-validate and leveldown
 * still do: a constructor calls napi_module_register (an import, Node-API 1);
 * there is no napi_register_module_v1 and no declared version.
 */
#include <node_api.h>

static napi_value init(napi_env env, napi_value exports) {
  napi_value v;
  napi_create_uint32(env, 1, &v);
  napi_set_named_property(env, exports, "one", v);
  return exports;
}

static napi_module mod = {NAPI_MODULE_VERSION, 0, __FILE__, init, "legacy", NULL, {0}};

__attribute__((constructor)) static void register_legacy(void) { napi_module_register(&mod); }
