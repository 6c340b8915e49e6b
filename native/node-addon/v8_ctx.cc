// A context-aware V8 addon: NODE_MODULE_INIT exports node_register_module_v115
// and also registers a node_module struct (NODE_MODULE_CONTEXT_AWARE).
#include <node.h>

static void Hello(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  args.GetReturnValue().Set(v8::String::NewFromUtf8(isolate, "context").ToLocalChecked());
}

NODE_MODULE_INIT() { NODE_SET_METHOD(exports, "hello", Hello); }
