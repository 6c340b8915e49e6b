/*
 * Node-API resolved at run time, as napi-rs does with `dyn-symbols`: no
 * Node-API imports at all, the function names are strings looked up with
 * dlsym / GetProcAddress in the host process. It still exports
 * napi_register_module_v1. The names reach Node-API 6
 * (napi_create_bigint_int64): that is the ceiling, not a requirement.
 */
typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;
typedef int (*napi_fn)();

#ifdef _WIN32
__declspec(dllimport) void *__stdcall GetModuleHandleA(const char *name);
__declspec(dllimport) void *__stdcall GetProcAddress(void *module, const char *name);
#define EXPORT __declspec(dllexport)
static void *lookup(const char *name) { return GetProcAddress(GetModuleHandleA(0), name); }
#else
extern void *dlsym(void *handle, const char *name);
#define EXPORT __attribute__((visibility("default")))
static void *lookup(const char *name) { return dlsym((void *)0 /* RTLD_DEFAULT */, name); }
#endif

static const char *const names[] = {
    "napi_create_function",
    "napi_set_named_property",
    "napi_create_string_utf8",
    "napi_create_threadsafe_function",
    "napi_create_bigint_int64",
};

static napi_fn table[sizeof names / sizeof names[0]];

EXPORT napi_value napi_register_module_v1(napi_env env, napi_value exports) {
  for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) table[i] = (napi_fn)lookup(names[i]);
  (void)env;
  return exports;
}
