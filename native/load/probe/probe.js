/*
 * The Node probe: loads one addon with process.dlopen and RTLD_NOW (Node's own
 * require() binds lazily, so an undefined symbol would only fail at its first
 * call).
 *
 *   node /probe/probe.js /art/build/Release/addon.node
 *
 * Stages:
 * - load: dlopen failed, or Node refused the addon (NODE_MODULE_VERSION
 *   mismatch, "Module did not self-register", "requires Node-API version",
 *   "Module has no declared entry point"). Node 16+ marks all of these with
 *   code ERR_DLOPEN_FAILED, except the two entry-point texts; Node 12 marks
 *   none, so those are recognised by their words.
 * - init: anything else is what the addon's own init threw (napi_throw_error,
 *   a V8 exception).
 *
 * Plain ES2018 so Node 12, 18 and 20 all run it. The last line of stdout is
 * `DISTAUDIT-PROBE {json}` (src/load/types.ts); exit 0 loaded, 1 failed,
 * 2 bad usage.
 */
'use strict';

var fs = require('fs');
var os = require('os');

var MARKER = 'DISTAUDIT-PROBE';

// Node's and the dynamic loader's refusals, as Node 12 words them (no error code there).
var LOADER_TEXTS = [
  /cannot open shared object file/,
  /undefined symbol: /,
  /version `[^']+' not found/,
  /wrong ELF class/,
  /invalid ELF header/,
  /file too short/,
  /cannot enable executable stack/,
  /Error loading shared library/,
  /Error relocating/,
  /NODE_MODULE_VERSION/,
  /Module did not self-register/,
  /requires Node-API version/,
  /has no declared entry point/,
];

function finish(ok, stage, error, errorType, code) {
  var json = JSON.stringify({ ok: ok, stage: stage, error: error, errorType: errorType });
  // Synchronous, and a new line first in case the addon printed a partial one.
  fs.writeSync(1, '\n' + MARKER + ' ' + json + '\n');
  process.exit(code);
}

function isLoaderError(err) {
  if (err && err.code === 'ERR_DLOPEN_FAILED') return true;
  var message = err && typeof err.message === 'string' ? err.message : '';
  return LOADER_TEXTS.some(function (re) {
    return re.test(message);
  });
}

function errorName(err) {
  if (err instanceof Error) return err.name;
  return err === null ? 'null' : typeof err;
}

function main(argv) {
  if (argv.length !== 1) {
    process.stderr.write('usage: probe.js ADDON.node\n');
    finish(false, 'setup', 'usage: probe.js ADDON.node', null, 2);
  }
  var mod = { exports: {} };
  try {
    process.dlopen(mod, argv[0], os.constants.dlopen.RTLD_NOW);
  } catch (err) {
    process.stderr.write((err && err.stack ? err.stack : String(err)) + '\n');
    var message = err instanceof Error ? err.message : String(err);
    finish(false, isLoaderError(err) ? 'load' : 'init', message, errorName(err), 1);
  }
  finish(true, 'init', null, null, 0);
}

main(process.argv.slice(2));
