/*
 * What NODE_MODULE (node.h, NODE_MODULE_X) expands to, in C so cross
 * compilers without a C++ runtime or V8 headers can build it for any
 * architecture and format: a static node_module struct whose nm_version is
 * NODE_MODULE_VERSION (here -DMODULE_VERSION=N), and a constructor passing it
 * to node_module_register. `#line` makes __FILE__ a C++ source name, as every
 * real NODE_MODULE addon has (node.h is C++).
 */
#line 12 "../src/binding.cc"
struct node_module {
  int nm_version;
  unsigned int nm_flags;
  void *nm_dso_handle;
  const char *nm_filename;
  void *nm_register_func;
  void *nm_context_register_func;
  const char *nm_modname;
  void *nm_priv;
  struct node_module *nm_link;
};

#ifdef _WIN32
__declspec(dllimport) void node_module_register(void *mod);
#define EXPORT __declspec(dllexport)
#else
extern void node_module_register(void *mod);
#define EXPORT __attribute__((visibility("default")))
#endif

static void init(void *exports, void *module, void *priv) {
  (void)exports;
  (void)module;
  (void)priv;
}

static struct node_module module_ = {MODULE_VERSION, 0, 0, __FILE__, (void *)init, 0, "v8struct", 0, 0};

__attribute__((constructor)) static void register_module(void) { node_module_register(&module_); }

/* A pointer to another source-named string that is not a node_module (a decoy for the struct search). */
EXPORT const char *const where = "../src/other.cc";
