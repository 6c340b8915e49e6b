/*
 * A Node-API addon built with -D_FORTIFY_SOURCE=2 -O2: snprintf into a fixed
 * buffer becomes __snprintf_chk@GLIBC_2.3.4, a glibc-only function. It loads
 * on every glibc, and not on musl ("Error relocating …: __snprintf_chk:
 * symbol not found"), which is what an untagged Linux prebuild meets on
 * Alpine.
 */
#include <stdio.h>
#include <node_api.h>

static napi_value label(napi_env env, napi_callback_info info) {
  char buf[32];
  napi_value v;
  size_t argc = 1;
  napi_value arg;
  int n = 0;
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  napi_get_value_int32(env, arg, &n);
  snprintf(buf, sizeof buf, "item-%d", n);
  napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &v);
  return v;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "label", NAPI_AUTO_LENGTH, label, NULL, &fn);
  napi_set_named_property(env, exports, "label", fn);
  return exports;
}
