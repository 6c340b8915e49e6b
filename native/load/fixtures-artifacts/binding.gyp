# The V8 (non-Node-API) addon of the node-v8-wrong-abi fixture, built with
# node-gyp against this machine's Node headers (--nodedir=/usr: Node 20,
# NODE_MODULE_VERSION 115) from native/node-addon/v8_legacy.cc, which
# test/fixtures/load-artifacts.ts copies beside this file.
{
  "targets": [
    { "target_name": "v8_addon", "sources": ["v8_legacy.cc"] }
  ]
}
