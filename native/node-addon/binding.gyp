# Node addons built with node-gyp against Node's headers (--nodedir=/usr):
# test/fixtures/node-addon.ts copies this directory's sources beside it.
# declared10 declares Node-API 10, which Node 20 does not offer; v8_abi108
# claims NODE_MODULE_VERSION 108 (node.h honours NODE_EMBEDDER_MODULE_VERSION):
# both are refused by this machine's Node 20, which the tests check for real.
{
  "targets": [
    { "target_name": "declared9", "sources": ["declared9.c"], "defines": ["NAPI_VERSION=9"] },
    { "target_name": "declared10", "sources": ["declared9.c"], "defines": ["NAPI_VERSION=10"] },
    { "target_name": "tsfn", "sources": ["tsfn.c"] },
    { "target_name": "symbolfor", "sources": ["symbolfor.c"], "defines": ["NAPI_VERSION=9"] },
    { "target_name": "experimental", "sources": ["experimental.c"] },
    { "target_name": "legacy", "sources": ["legacy.c"] },
    { "target_name": "v8_legacy", "sources": ["v8_legacy.cc"] },
    { "target_name": "v8_ctx", "sources": ["v8_ctx.cc"] },
    { "target_name": "v8_abi108", "sources": ["v8_legacy.cc"], "defines": ["NODE_EMBEDDER_MODULE_VERSION=108"] }
  ]
}
