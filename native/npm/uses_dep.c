/*
 * A Node-API addon that needs a bundled library: NEEDED libdemo.so.1 (ELF) or
 * LC_LOAD_DYLIB @rpath/libdemo.dylib (Mach-O), found beside it through
 * RUNPATH $ORIGIN / LC_RPATH @loader_path — or not, in the variants built
 * without them.
 */
#include <node_api.h>

int demo_answer(void);

static napi_value answer(napi_env env, napi_callback_info info) {
  napi_value v;
  (void)info;
  napi_create_int32(env, demo_answer(), &v);
  return v;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "answer", NAPI_AUTO_LENGTH, answer, NULL, &fn);
  napi_set_named_property(env, exports, "answer", fn);
  return exports;
}
