/**
 * The npm package model: package.json read from untrusted text, the layouts
 * recognised, what runs at install, per-platform package names, and the
 * Node lines a package is judged against. Models are read from real tarballs
 * scanned by the npm kind's scan (test/fixtures/npm.ts `npmTarball`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { listAllows, parsePackageJson, MAX_PACKAGE_JSON } from '../../src/artifact/npm/package-json.ts';
import { platformOfPackageName } from '../../src/artifact/npm/platform-packages.ts';
import { DEFAULT_NODE_ENGINES, nodeGlibcFloorFor, nodeLines, nodeMacosFloorFor } from '../../src/artifact/npm/node-lines.ts';
import { nodeAddonFixtures } from '../fixtures/node-addon.ts';
import { modelOf } from './npm-helpers.ts';

const addon = nodeAddonFixtures();
const NAPI = readFileSync(addon['gyp/declared9.node']);

test('package.json: fields of the right type are read, others ignored and reported', () => {
  const r = parsePackageJson(
    JSON.stringify({
      name: 'demo',
      version: '1.0.0',
      os: 'linux',
      cpu: ['x64', 'arm64'],
      libc: [1],
      engines: { node: '>=18' },
      scripts: { install: 'node-gyp-build', test: 5 },
      gypfile: 'yes',
      binary: { module_name: 'demo', host: 'https://example.com', napi_versions: [3, 'x', 6] },
      napi: { binaryName: 'demo', targets: ['x86_64-unknown-linux-gnu'] },
      optionalDependencies: { 'demo-linux-x64-gnu': '1.0.0' },
    }),
  );
  assert.ok(r.json);
  assert.deepEqual(r.json.os, ['linux'], 'a single string is a one-element list, as npm-install-checks reads it');
  assert.deepEqual(r.json.cpu, ['x64', 'arm64']);
  assert.equal(r.json.libc, null);
  assert.equal(r.json.enginesNode, '>=18');
  assert.deepEqual(r.json.scripts, { install: 'node-gyp-build' });
  assert.equal(r.json.gypfile, null);
  assert.deepEqual(r.json.binary?.napiVersions, [3, 6]);
  assert.equal(r.json.binary?.host, 'https://example.com');
  assert.deepEqual(r.json.napi, { binaryName: 'demo', targets: ['x86_64-unknown-linux-gnu'] });
  assert.deepEqual(r.problems.map((p) => p.field).sort(), ['gypfile', 'libc', 'scripts.test']);
});

test('package.json: not JSON, not an object, no name, a byte order mark, too large', () => {
  assert.equal(parsePackageJson('{"name": ').json, null);
  assert.match(parsePackageJson('{"name": ').problems[0]!.message, /not valid JSON/);
  assert.equal(parsePackageJson('[1,2]').json, null);
  assert.deepEqual(parsePackageJson('{}').problems.map((p) => p.field), ['name', 'version']);
  assert.equal(parsePackageJson('\ufeff{"name":"a","version":"1.0.0"}').json?.name, 'a');
  assert.equal(parsePackageJson(' '.repeat(MAX_PACKAGE_JSON + 1)).json, null);
});

test('os / cpu / libc lists are matched as npm-install-checks matches them', () => {
  assert.equal(listAllows(null, 'linux'), true);
  assert.equal(listAllows(['linux'], 'linux'), true);
  assert.equal(listAllows(['linux'], 'darwin'), false);
  assert.equal(listAllows(['!win32'], 'linux'), true);
  assert.equal(listAllows(['!win32'], 'win32'), false);
  assert.equal(listAllows(['linux', '!linux'], 'linux'), false);
  assert.equal(listAllows(['any'], 'sunos'), true);
});

test('per-platform package names: napi-rs, esbuild, sharp', () => {
  const p = (n: string) => {
    const x = platformOfPackageName(n);
    return x && [x.suffix, x.os, x.arch, x.libc];
  };
  assert.deepEqual(p('@rollup/rollup-linux-x64-gnu'), ['linux-x64-gnu', 'linux', 'x86_64', 'glibc']);
  assert.deepEqual(p('@rollup/rollup-linux-x64-musl'), ['linux-x64-musl', 'linux', 'x86_64', 'musl']);
  assert.deepEqual(p('@rollup/rollup-linux-arm-gnueabihf'), ['linux-arm-gnueabihf', 'linux', 'arm', 'glibc']);
  assert.deepEqual(p('@rollup/rollup-win32-x64-msvc'), ['win32-x64-msvc', 'windows', 'x86_64', null]);
  assert.deepEqual(p('@rollup/rollup-android-arm64'), ['android-arm64', 'android', 'arm64', 'bionic']);
  assert.deepEqual(p('@esbuild/linux-x64'), ['linux-x64', 'linux', 'x86_64', null]);
  assert.deepEqual(p('@img/sharp-linuxmusl-arm64'), ['linuxmusl-arm64', 'linux', 'arm64', 'musl']);
  assert.deepEqual(p('@img/sharp-libvips-darwin-arm64'), ['darwin-arm64', 'macos', 'arm64', null]);
  assert.equal(platformOfPackageName('@napi-rs/canvas-darwin-universal')?.universal, true);
  assert.equal(platformOfPackageName('@rollup/rollup-wasm32-wasi')?.wasm, true);
  for (const n of ['lodash', 'linux', 'node-linux', 'demo-linux-sparcv9']) assert.equal(platformOfPackageName(n), null, n);
});

test('layouts: prebuildify, node-gyp, build output, platform package, napi-rs root, node-pre-gyp, prebuild-install', async () => {
  const prebuildify = await modelOf({ 'prebuilds/linux-x64/demo.node': NAPI, 'prebuilds/linux-x64/libfoo.so.1': 'x', 'binding.gyp': '{}' }, { scripts: { install: 'node-gyp-build' } });
  assert.deepEqual(prebuildify.layouts, ['prebuildify', 'node-gyp']);
  assert.equal(prebuildify.root, 'package');
  assert.deepEqual(prebuildify.prebuilds.map((p) => [p.rel, p.tags === null]), [
    ['prebuilds/linux-x64/demo.node', false],
    ['prebuilds/linux-x64/libfoo.so.1', true],
  ]);
  assert.equal(prebuildify.install.buildsAtInstall, 'node-gyp-build');
  assert.equal(prebuildify.install.buildIsFallback, true);
  assert.equal(prebuildify.loader, 'node-gyp-build');

  const implicit = await modelOf({ 'binding.gyp': '{}', 'src/x.cc': '' });
  assert.equal(implicit.install.implicitNodeGyp, true);
  assert.equal(implicit.install.buildsAtInstall, 'node-gyp rebuild');
  const optedOut = await modelOf({ 'binding.gyp': '{}' }, { gypfile: false });
  assert.equal(optedOut.install.implicitNodeGyp, false);
  assert.equal(optedOut.install.buildsAtInstall, null);

  const shipped = await modelOf({ 'build/Release/demo.node': NAPI, 'build/Release/obj.target/x.o': 'x', 'lib/other.node': NAPI });
  assert.deepEqual(shipped.buildOutputs, ['build/Release/demo.node']);
  assert.deepEqual(shipped.otherAddons, ['lib/other.node']);
  assert.deepEqual(shipped.layouts, ['bundled']);
  assert.deepEqual(Object.keys(shipped.scanned).sort(), ['package/build/Release/demo.node', 'package/lib/other.node'], 'every native binary is read by the scan');
  assert.equal(shipped.scanned['package/lib/other.node']?.node?.kind, 'napi');

  const platform = await modelOf({ 'demo.linux-x64-gnu.node': NAPI }, { name: 'demo-linux-x64-gnu', os: ['linux'], cpu: ['x64'], libc: ['glibc'], main: 'demo.linux-x64-gnu.node' });
  assert.deepEqual(platform.layouts, ['napi-rs-platform']);
  assert.deepEqual(platform.platform, { os: ['linux'], cpu: ['x64'], libc: ['glibc'], named: platformOfPackageName('demo-linux-x64-gnu') });
  const binariesOnly = await modelOf({ 'bin/tool': NAPI }, { name: '@esbuild/linux-x64', os: ['linux'], cpu: ['x64'] });
  assert.deepEqual(binariesOnly.layouts, ['platform-package']);

  const root = await modelOf({ 'index.js': '' }, { optionalDependencies: { 'demo-linux-x64-gnu': '1.2.3', 'demo-darwin-arm64': '^1.2.3', lodash: '^4' } });
  assert.deepEqual(root.layouts, ['napi-rs-root']);
  assert.deepEqual(root.platformPackages.map((p) => [p.name, p.exact]), [
    ['demo-linux-x64-gnu', true],
    ['demo-darwin-arm64', false],
  ]);

  const preGyp = await modelOf({ 'binding.gyp': '{}' }, { scripts: { install: 'node-pre-gyp install --fallback-to-build' }, binary: { module_name: 'demo', host: 'https://example.com' } });
  assert.deepEqual(preGyp.layouts, ['node-pre-gyp', 'node-gyp']);
  assert.equal(preGyp.install.downloads, 'node-pre-gyp');
  assert.equal(preGyp.install.buildsAtInstall, 'node-pre-gyp --fallback-to-build');
  // A binary block without a host (cmake-js reads napi_versions from it) downloads nothing.
  assert.deepEqual((await modelOf({ 'prebuilds/x-linux-x64.node': NAPI }, { binary: { napi_versions: [4] } })).layouts, ['bundled']);

  const prebuildInstall = await modelOf({ 'binding.gyp': '{}' }, { scripts: { install: 'prebuild-install || node-gyp rebuild' } });
  assert.deepEqual(prebuildInstall.layouts, ['prebuild-install', 'node-gyp']);
  assert.equal(prebuildInstall.install.downloads, 'prebuild-install');
  assert.equal(prebuildInstall.install.buildIsFallback, true);

  // node-gyp-build without binding.gyp has nothing to compile.
  assert.equal((await modelOf({ 'prebuilds/linux-x64/demo.node': NAPI }, { scripts: { install: 'node-gyp-build' } })).install.buildsAtInstall, null);
});

test('package.json missing, or unreadable', async () => {
  const none = await modelOf({ 'index.js': '' }, null);
  assert.equal(none.packageJson, null);
  assert.match(none.packageJsonProblems[0]!.message, /no package.json/);
  const broken = await modelOf({ 'package.json': '{"name": "x",' }, null);
  assert.equal(broken.packageJson, null);
  assert.match(broken.packageJsonProblems[0]!.message, /not valid JSON/);
});

test('the Node lines judged: engines.node, else the maintained lines, with the reason', () => {
  const declared = nodeLines('>=18.17.0');
  assert.equal(declared.declared, true);
  assert.equal(declared.lines[0]!.lowest, '18.17.0');
  const none = nodeLines(null);
  assert.equal(none.declared, false);
  assert.equal(none.range, DEFAULT_NODE_ENGINES);
  assert.equal(none.lines[0]!.major, 20);
  assert.match(none.defaultReason!, /no engines.node/);
  const invalid = nodeLines('node 18 or newer');
  assert.equal(invalid.declared, false);
  assert.match(invalid.defaultReason!, /does not parse .*npm ignores it/);
  const nothing = nodeLines('<0.1');
  assert.equal(nothing.declared, false);
  assert.match(nothing.defaultReason!, /admits no Node release/);
});

test("Node's own floors: glibc per line and architecture, macOS per line", () => {
  assert.equal(nodeGlibcFloorFor(20, 'x86_64')?.version, '2.28');
  assert.equal(nodeGlibcFloorFor(16, 'arm64')?.version, '2.17');
  assert.equal(nodeGlibcFloorFor(8, 'x86_64')?.version, '2.17', 'lines before 12 are judged at Node 12');
  assert.match(nodeGlibcFloorFor(8, 'x86_64')!.note, /Node 8's own is not known/);
  assert.equal(nodeGlibcFloorFor(20, 'ppc64le')?.version, '2.28');
  assert.equal(nodeGlibcFloorFor(16, 's390x')?.version, '2.17');
  assert.equal(nodeGlibcFloorFor(22, 'loongarch64')?.version, '2.36');
  assert.equal(nodeGlibcFloorFor(22, 'mips'), null);
  assert.equal(nodeMacosFloorFor(20, 'x86_64')?.version, '10.15');
  assert.equal(nodeMacosFloorFor(24, 'x86_64')?.version, '11.0');
  assert.equal(nodeMacosFloorFor(16, 'arm64')?.version, '11.0');
  assert.equal(nodeMacosFloorFor(12, 'x86_64'), null);
});
