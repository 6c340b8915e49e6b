/**
 * Differential checks of the Node addon analysis against independent tools
 * and against Node itself:
 *
 * - the declared Node-API version: the function's address from llvm-nm /
 *   llvm-readobj, its instructions from llvm-objdump (llvm-mc for Thumb PE,
 *   which llvm-objdump 14 misreads at an odd export address); the constant we
 *   decode must be an immediate (or literal-pool word, or its complement for
 *   mvn/movn) of the instructions up to the return;
 * - the Node-API imports (names, and which are PE delay imports) and the
 *   registration exports: llvm-readelf, llvm-nm, llvm-readobj;
 * - real loads with this machine's Node (process.dlopen with RTLD_NOW in a
 *   child process): what we read statically is what Node enforces.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { NODE_ADDON_FIXTURES, nodeAddonFixtures, type NodeAddonFixture } from '../fixtures/node-addon.ts';
import { analyse, checkDeclared, GET_VERSION, toolView } from './node-addon-tools.ts';

const BINARIES = NODE_ADDON_FIXTURES;

test('the declared Node-API version agrees with llvm-objdump on every fixture that exports it', (t) => {
  let n = 0;
  for (const name of BINARIES) {
    const path = nodeAddonFixtures()[name];
    const f = analyse(path);
    if (f) n += checkDeclared(path, f, name);
  }
  t.diagnostic(`${n} declared versions compared with the disassembly`);
  assert.ok(n >= 30, `only ${n}`);
});

// ---------------------------------------------------------------- imports and exports

test('Node-API imports, delay imports and registration exports agree with llvm-readelf / llvm-nm / llvm-readobj', (t) => {
  let n = 0;
  for (const name of BINARIES) {
    const path = nodeAddonFixtures()[name];
    const f = analyse(path);
    if (!f) continue;
    for (const s of f.slices) {
      const view = toolView(path, s);
      const where = `${name} (${s.arch})`;
      assert.equal(s.napiImports, view.napiImports.length, `${where}: Node-API imports ${view.napiImports.join(', ')}`);
      assert.equal(s.napiDelayImports, view.delayed.length, `${where}: delay imports`);
      assert.equal(s.registration.napiRegisterModuleExport, view.exports.includes('napi_register_module_v1'), `${where}: napi_register_module_v1`);
      assert.equal(s.declared !== null, view.exports.includes(GET_VERSION), `${where}: ${GET_VERSION}`);
      assert.equal(s.registration.nodeRegisterModuleExport, view.exports.find((e) => /^node_register_module_v\d+$/.test(e)) ?? null, `${where}: node_register_module_v*`);
      n++;
    }
  }
  t.diagnostic(`${n} binaries/slices compared`);
});

// ---------------------------------------------------------------- real loads

function load(path: string): { ok: boolean; signal: string | null; message: string } {
  const script = `try { process.dlopen({ exports: {} }, process.argv[1], require('os').constants.dlopen.RTLD_NOW); console.log('LOADED'); } catch (e) { console.log(e.message); process.exit(3); }`;
  const r = spawnSync(process.execPath, ['-e', script, path], { encoding: 'utf8', timeout: 30_000 });
  return { ok: r.status === 0 && r.stdout.includes('LOADED'), signal: r.signal, message: `${r.stdout}${r.stderr}`.trim() };
}

test(`this machine's Node (${process.version}, NODE_MODULE_VERSION ${process.versions.modules}, Node-API ${process.versions.napi}) loads what the facts say it loads`, (t) => {
  const napi = Number(process.versions.napi);
  const abi = Number(process.versions.modules);
  const host: NodeAddonFixture[] = ['gyp/declared9.node', 'gyp/declared10.node', 'gyp/tsfn.node', 'gyp/symbolfor.node', 'gyp/experimental.node', 'gyp/legacy.node', 'gyp/v8_legacy.node', 'gyp/v8_ctx.node', 'gyp/v8_abi108.node', 'x64/declared9-O0.node', 'x64/declared9-Oz.node', 'x64/dynamic.node'];
  for (const name of host) {
    const path = nodeAddonFixtures()[name];
    const f = analyse(path)!;
    const r = load(path);
    if (f.kind === 'v8') {
      if (f.moduleVersion === abi) assert.ok(r.ok, `${name}: NODE_MODULE_VERSION ${f.moduleVersion} should load: ${r.message}`);
      else assert.match(r.message, new RegExp(`NODE_MODULE_VERSION ${f.moduleVersion}\\. This version of Node\\.js requires\\s+NODE_MODULE_VERSION ${abi}`), name);
    } else if (f.declaredNapi !== null && f.declaredNapi > napi && !f.declaredNapiExperimental) {
      // Node throws "requires Node-API version N"; Node 20.20 / 22.13 crash instead (nodejs/node#57233).
      assert.ok(!r.ok && (r.signal !== null || new RegExp(`requires Node-API version ${f.declaredNapi}`).test(r.message)), `${name}: declares ${f.declaredNapi} > ${napi}, yet ${JSON.stringify(r)}`);
      t.diagnostic(`${name}: declares Node-API ${f.declaredNapi}; Node ${process.version} ${r.signal ? `died of ${r.signal}` : 'refused it'}`);
    } else {
      assert.ok(r.ok, `${name}: ${f.kind}, declares ${f.declaredNapi}, needs ${f.minNapi}: should load: ${r.message}`);
    }
  }
});
