/*
 * A NAPI_EXPERIMENTAL addon: it declares NAPI_VERSION_EXPERIMENTAL
 * (2147483647) and calls node_api_post_finalizer, which no Node-API version
 * includes yet (node-api-headers' table does not list it).
 */
#define NAPI_EXPERIMENTAL
#include <node_api.h>

static void later(napi_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  (void)hint;
}

static void finalize(node_api_basic_env env, void *data, void *hint) {
  node_api_post_finalizer(env, later, data, hint);
}

NAPI_MODULE_INIT() {
  napi_value obj;
  napi_create_object(env, &obj);
  napi_add_finalizer(env, obj, NULL, finalize, NULL, NULL);
  napi_set_named_property(env, exports, "obj", obj);
  return exports;
}
