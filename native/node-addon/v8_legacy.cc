// A V8/NAN-style addon: NODE_MODULE registers a static node_module struct
// (nm_version = NODE_MODULE_VERSION, 115 with Node 20's headers) from a
// constructor through node_module_register, and it calls the V8 C++ API.
#include <node.h>

namespace demo {

void Hello(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  args.GetReturnValue().Set(v8::String::NewFromUtf8(isolate, "world").ToLocalChecked());
}

void Initialize(v8::Local<v8::Object> exports) { NODE_SET_METHOD(exports, "hello", Hello); }

NODE_MODULE(NODE_GYP_MODULE_NAME, Initialize)

}  // namespace demo
