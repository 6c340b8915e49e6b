/*
 * Not an addon: a library that only mentions Node-API names (a diagnostic
 * table) and registers nothing. Names in strings alone do not make an addon.
 */
const char *const node_api_names[] = {"napi_create_function", "napi_create_threadsafe_function", "node_api_symbol_for"};

__attribute__((visibility("default"))) const char *describe_node_api(unsigned i) { return i < 3 ? node_api_names[i] : 0; }
