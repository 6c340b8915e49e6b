/**
 * The `node.*` checks (src/rules/node/addon.ts) on real packages through the
 * pipeline, beyond the one case each of test/e2e/npm-checks.test.ts: how
 * severity follows the engines field (declared or not, maintained lines or
 * not), Node-API levels offered experimentally, one finding for the builds
 * that share a requirement, each way a V8 build can contradict its claim,
 * coverage per platform, `.node` files that are no binaries, and the host
 * libraries a Node process provides.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nodeAddonFixtures } from '../fixtures/node-addon.ts';
import { npmFixtures } from '../fixtures/npm.ts';
import { auditPackage, findingsOf } from '../artifact/npm-helpers.ts';

const ax = nodeAddonFixtures();
const nx = npmFixtures();
const r = (p: string) => readFileSync(p);
const NAPI = r(ax['gyp/declared9.node']);
const V8_115 = r(ax['gyp/v8_legacy.node']);
const L = 'prebuilds/linux-x64';

test('node.napi-too-new: an error on maintained lines, a warning for lines past their end of life or without engines.node', async () => {
  const declared10 = r(ax['gyp/declared10.node']);
  const maintained = findingsOf(await auditPackage({ [`${L}/x.node`]: declared10 }, { engines: { node: '>=20' } }), 'node.napi-too-new');
  assert.equal(maintained.length, 1);
  assert.equal(maintained[0]!.severity, 'error');
  assert.match(maintained[0]!.message, /declares Node-API 10 .*Node 20\.0\.0 \(Node-API 8; Node 20 never has 10\)/);
  assert.match(maintained[0]!.message, /nodejs\/node#57233/);
  assert.deepEqual(maintained[0]!.evidence.lines, [
    { major: 20, lowest: '20.0.0', napi: 8, first: null },
    { major: 21, lowest: '21.0.0', napi: 9, first: null },
    { major: 22, lowest: '22.0.0', napi: 9, first: '22.14.0' },
    { major: 23, lowest: '23.0.0', napi: 9, first: '23.6.0' },
  ]);

  // imports of Node-API 9 on an engines field admitting Node 18.0–18.16 only.
  const old = findingsOf(await auditPackage({ [`${L}/x.node`]: r(ax['gyp/symbolfor.node']) }, { engines: { node: '>=18 <19 || >=20.3.0' } }), 'node.napi-too-new');
  assert.equal(old.length, 1);
  assert.equal(old[0]!.severity, 'warning');
  assert.match(old[0]!.message, /imports node_api_symbol_for .*Node 18\.0\.0 \(Node-API 8; 18\.17\.0 has 9\).*past their end of life/);

  const noEngines = findingsOf(await auditPackage({ [`${L}/x.node`]: declared10 }), 'node.napi-too-new');
  assert.equal(noEngines[0]!.severity, 'warning');
  assert.match(noEngines[0]!.message, /Node >=20 \(the package has no engines.node\)/);

  // Node 6.14.2 and 8.0 offered N-API experimentally: a Node-API 1 addon loads there; Node 7 never had it.
  const v1 = findingsOf(await auditPackage({ [`${L}/x.node`]: r(ax['gyp/legacy.node']) }, { engines: { node: '^6.14.2 || >=8.6.0' } }), 'node.napi-too-new');
  assert.deepEqual(v1, []);
});

test('node.napi-too-new: one finding for every build that needs the same', async () => {
  const f = findingsOf(
    await auditPackage(
      { [`${L}/x.node`]: r(ax['gyp/declared10.node']), 'prebuilds/linux-arm64/x.node': r(ax['gyp/declared10.node']), 'prebuilds/linux-ia32/x.node': r(ax['i386/tsfn.node']) },
      { engines: { node: '>=20' } },
    ),
    'node.napi-too-new',
  );
  assert.equal(f.length, 1, JSON.stringify(f));
  assert.deepEqual(f[0]!.evidence.files, ['prebuilds/linux-arm64/x.node', 'prebuilds/linux-x64/x.node']);
  assert.match(f[0]!.message, /\(and 1 more build of it\)/);
});

test('node.module-version-mismatch: another abi, another runtime, a napi tag, no tag', async () => {
  const mismatch = async (name: string) => findingsOf(await auditPackage({ [`${L}/${name}`]: V8_115 }), 'node.module-version-mismatch');
  assert.match((await mismatch('node.abi108.node'))[0]!.message, /NODE_MODULE_VERSION 115 \(Node 20\.0\.0 to before 21\.0\.0.*claims NODE_MODULE_VERSION 108/);
  assert.match((await mismatch('electron.abi115.node'))[0]!.message, /claims electron \(no electron release has NODE_MODULE_VERSION 115\)/);
  assert.match((await mismatch('node.napi.node'))[0]!.message, /claims Node-API \(loaded on every Node\)/);
  assert.match((await mismatch('x.node'))[0]!.message, /carries no abi tag/);
  assert.deepEqual(await mismatch('node.abi115.node'), []);
  // A Node-API build named for one ABI loads everywhere: nothing to report.
  assert.deepEqual(findingsOf(await auditPackage({ [`${L}/node.abi108.node`]: NAPI }), 'node.module-version-mismatch'), []);
});

test('node.abi-build-engines: per platform, a warning where the install compiles instead', async () => {
  const files = { [`${L}/node.abi115.node`]: V8_115, 'prebuilds/linux-arm64/node.abi115.node': V8_115, 'prebuilds/win32-x64/node.abi108.node': r(ax['pe/v8_struct-x64.node']) };
  const f = findingsOf(await auditPackage(files, { engines: { node: '>=18 <21' } }), 'node.abi-build-engines');
  assert.deepEqual(
    f.map((x) => [x.evidence.platforms, (x.evidence.lines as { major: number }[]).map((l) => l.major), x.severity]),
    [
      [['linux-x86_64-glibc', 'linux-x86_64-musl', 'linux-arm64-glibc', 'linux-arm64-musl'], [18, 19], 'error'],
      [['windows-x86_64'], [19, 20], 'error'],
    ],
  );
  const fallback = findingsOf(await auditPackage({ ...files, 'binding.gyp': '{}' }, { engines: { node: '>=18 <21' }, scripts: { install: 'node-gyp-build' } }), 'node.abi-build-engines');
  assert.ok(fallback.every((x) => x.severity === 'warning') && fallback.length === 2);
  assert.match(fallback[0]!.message, /compiles from source \(node-gyp-build/);
});

test('node.not-an-addon: a .node that is no binary (a Git LFS pointer)', async () => {
  const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n';
  const f = findingsOf(await auditPackage({ [`${L}/x.node`]: pointer }), 'node.not-an-addon');
  assert.equal(f.length, 1);
  assert.match(f[0]!.message, /is not a native binary .*Git LFS pointer/);
});

test('node.runtime-resolved names the ceiling, and the addon is not reported as no addon', async () => {
  const rep = await auditPackage({ [`${L}/x.node`]: r(ax['x64/dynamic.node']) });
  const f = findingsOf(rep, 'node.runtime-resolved');
  assert.equal(f[0]!.severity, 'info');
  assert.match(f[0]!.message, /reach version 6 \(napi_create_bigint_int64\)/);
  assert.deepEqual(findingsOf(rep, 'node.not-an-addon'), []);
  // Built here, it needs dlsym@GLIBC_2.34: above Node 20's own floor, whatever resolves Node-API.
  assert.match(findingsOf(rep, 'elf.symbol-version-too-new')[0]!.message, /dlsym@GLIBC_2\.34/);
});

test('Node provides libstdc++ and libgcc_s on musl; Windows addons get node.exe from the host', async () => {
  const musl = await auditPackage({ [`${L}/x.musl.node`]: r(nx['musl/needs-libstdcxx.node']) });
  assert.deepEqual(findingsOf(musl, 'deps.missing-library'), [], 'Alpine’s nodejs depends on libstdc++');
  const win = await auditPackage({ 'prebuilds/win32-x64/x.node': r(ax['pe/tsfn-x64.node']), 'prebuilds/win32-ia32/x.node': r(ax['pe/tsfn-x86.node']) });
  assert.deepEqual(findingsOf(win, 'windows.missing-dll'), [], 'NODE.EXE (delay-loaded) is the host');
  assert.equal(win.binaries[0]!.node?.slices[0]!.napiDelayImports, win.binaries[0]!.node?.slices[0]!.napiImports);
});
