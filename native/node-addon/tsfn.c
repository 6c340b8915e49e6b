/*
 * A Node-API addon that calls thread-safe functions (Node-API 4), built with
 * the headers' default NAPI_VERSION (8): it declares 8 and its imports need 4.
 */
#include <node_api.h>

static void call_js(napi_env env, napi_value js_cb, void *context, void *data) {
  (void)context;
  (void)data;
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  napi_call_function(env, undefined, js_cb, 0, NULL, NULL);
}

static napi_value start(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value cb, name;
  napi_threadsafe_function tsfn;
  napi_get_cb_info(env, info, &argc, &cb, NULL, NULL);
  napi_create_string_utf8(env, "tsfn", NAPI_AUTO_LENGTH, &name);
  napi_create_threadsafe_function(env, cb, NULL, name, 0, 1, NULL, NULL, NULL, call_js, &tsfn);
  napi_call_threadsafe_function(tsfn, NULL, napi_tsfn_nonblocking);
  napi_release_threadsafe_function(tsfn, napi_tsfn_release);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "start", NAPI_AUTO_LENGTH, start, NULL, &fn);
  napi_set_named_property(env, exports, "start", fn);
  return exports;
}
