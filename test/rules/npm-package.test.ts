/**
 * The `npm.*` checks on real packages through the pipeline, beyond the one
 * case each of test/e2e/npm-checks.test.ts: what node-gyp-build picks on each
 * simulated system and why it fails there (Alpine and Void Linux, Debian's
 * glibc, arm64 tags, build outputs that shadow prebuilds, Node-API levels),
 * and the layout checks' variants (fallback builds by platform, napi-rs roots,
 * prebuild-install, package.json fields of the wrong type).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nodeAddonFixtures } from '../fixtures/node-addon.ts';
import { npmFixtures } from '../fixtures/npm.ts';
import { auditPackage, findingsOf } from '../artifact/npm-helpers.ts';
import { simulatedNode } from '../../src/rules/node/selection.ts';
import { nodeLines } from '../../src/artifact/npm/node-lines.ts';

const ax = nodeAddonFixtures();
const nx = npmFixtures();
const r = (p: string) => readFileSync(p);
const NAPI = r(ax['gyp/declared9.node']);
const FORTIFY = r(nx['x64/fortify.node']);
const L = 'prebuilds/linux-x64';

test('the simulated Node: 20 when admitted, else the lowest admitted line from 20 on, else the highest', () => {
  assert.deepEqual(simulatedNode(nodeLines(null)), { major: 20, moduleVersion: 115, napi: 9 });
  assert.deepEqual(simulatedNode(nodeLines('>=22')), { major: 22, moduleVersion: 127, napi: 10 });
  assert.deepEqual(simulatedNode(nodeLines('^16 || ^18')), { major: 18, moduleVersion: 108, napi: 9 });
});

test('an untagged glibc build that needs __snprintf_chk: Alpine and Void pick it and it fails; Debian loads it', async () => {
  const f = findingsOf(await auditPackage({ [`${L}/x.node`]: FORTIFY }), 'npm.prebuild-pick-fails');
  assert.equal(f.length, 1, JSON.stringify(f));
  assert.deepEqual(f[0]!.evidence.systems, ['alpine-x64', 'void-musl-x64']);
  assert.equal(f[0]!.severity, 'error');
  assert.deepEqual(f[0]!.targets, ['linux-x86_64-musl-node']);
  assert.match(f[0]!.message, /picks prebuilds\/linux-x64\/x\.node, which does not load there: it is a glibc build musl cannot load: __snprintf_chk@GLIBC_2\.3\.4 \(glibc-only\)/);
  assert.match(f[0]!.hint, /Ship a musl build/);
  // The same build is fine where nothing glibc-only is needed.
  assert.deepEqual(findingsOf(await auditPackage({ [`${L}/x.node`]: NAPI }), 'npm.prebuild-pick-fails'), []);
});

test('a musl build beside it: Alpine takes the musl build, Void still the glibc one (a warning: node-gyp-build’s detection)', async () => {
  const rep = await auditPackage({ [`${L}/x.node`]: FORTIFY, [`${L}/x.musl.node`]: r(ax['musl/tsfn.node']) });
  const f = findingsOf(rep, 'npm.prebuild-pick-fails');
  assert.equal(f.length, 1, JSON.stringify(f));
  assert.deepEqual(f[0]!.evidence.systems, ['void-musl-x64']);
  assert.equal(f[0]!.severity, 'warning');
});

test('glibc tags only: Alpine finds nothing — reported as picks-nothing only where the package claims musl', async () => {
  const glibcOnly = await auditPackage({ [`${L}/x.glibc.node`]: NAPI });
  assert.deepEqual(findingsOf(glibcOnly, 'npm.prebuild-picks-nothing'), [], 'no musl claim: npm.missing-prebuild says it');
  assert.ok(findingsOf(glibcOnly, 'npm.missing-prebuild').some((x) => (x.evidence.missing as string[]).includes('linux-x86_64-musl')));
  const voidOnly = findingsOf(await auditPackage({ [`${L}/x.glibc.node`]: NAPI, [`${L}/x.musl.node`]: r(ax['musl/tsfn.node']) }), 'npm.prebuild-picks-nothing');
  assert.deepEqual(voidOnly, [], 'Void takes x.glibc.node, which loads on musl (no glibc-only symbols)');
});

test('armv7-tagged builds in linux-arm64 are never picked on arm64 (node-gyp-build calls it armv8)', async () => {
  const f = findingsOf(await auditPackage({ 'prebuilds/linux-arm64/x.armv7.node': r(ax['arm64/declared9.node']) }), 'npm.prebuild-picks-nothing');
  assert.equal(f.length, 1);
  assert.deepEqual(f[0]!.evidence.systems, ['debian12-arm64']);
  assert.match(f[0]!.message, /x\.armv7\.node \(armv7, not armv8\).*armv=8/);
});

test('a shipped build/Release output is picked on every system, before the prebuilds', async () => {
  const rep = await auditPackage({ 'build/Release/x.node': NAPI, 'prebuilds/darwin-arm64/x.node': r(ax['macho/declared9-arm64.node']), 'prebuilds/win32-x64/x.node': r(ax['pe/tsfn-x64.node']) });
  const f = findingsOf(rep, 'npm.prebuild-pick-fails');
  // One finding: the same file fails the same way on both.
  assert.deepEqual(
    f.map((x) => [x.evidence.systems, x.file]),
    [[['macos14-arm64', 'windows-x64'], 'package/build/Release/x.node']],
  );
  assert.match(f[0]!.message, /picks build\/Release\/x\.node \(build\/Release comes before prebuilds\/\), which does not load there: it is an ELF \(Linux\) binary/);
  assert.match(f[0]!.hint, /shadows the prebuilds/);
  assert.equal(findingsOf(rep, 'npm.build-output-shipped').length, 1);
});

test('Node-API and NODE_MODULE_VERSION of the pick against the system’s Node', async () => {
  const napi10 = findingsOf(await auditPackage({ [`${L}/x.node`]: r(ax['gyp/declared10.node']) }), 'npm.prebuild-pick-fails');
  assert.match(napi10[0]!.message, /it declares Node-API 10; Node 20 supports 9/);
  const v8 = findingsOf(await auditPackage({ [`${L}/x.node`]: r(ax['gyp/v8_abi108.node']) }), 'npm.prebuild-pick-fails');
  assert.match(v8[0]!.message, /V8\/NAN build for NODE_MODULE_VERSION 108; Node 20 requires 115/);
  const mac = findingsOf(await auditPackage({ 'prebuilds/darwin-arm64/x.node': r(nx['macho/declared9-arm64-unsigned.node']) }), 'npm.prebuild-pick-fails');
  assert.match(mac[0]!.message, /unsigned \(Killed: 9\)/);
});

test('with a node-gyp-build install and binding.gyp, a failing pick compiles at install: a warning', async () => {
  const f = findingsOf(await auditPackage({ [`${L}/x.node`]: r(nx['x64/glibc238.node']), 'binding.gyp': '{}' }, { scripts: { install: 'node-gyp-build' } }), 'npm.prebuild-pick-fails');
  assert.equal(f[0]!.severity, 'warning');
  assert.match(f[0]!.message, /GLIBC_2\.38 from libc\.so\.6 \(__isoc23_strtol@GLIBC_2\.38\).*the install compiles from source instead/);
});

test('npm.builds-at-install: a fallback names the common platforms without a prebuild', async () => {
  const f = findingsOf(await auditPackage({ [`${L}/x.node`]: NAPI, 'prebuilds/darwin-x64+arm64/x.node': r(ax['macho/declared9-universal.node']), 'binding.gyp': '{}' }, { scripts: { install: 'node-gyp-build' } }), 'npm.builds-at-install');
  assert.deepEqual(f[0]!.evidence.platforms, ['linux-arm64-glibc', 'linux-arm64-musl', 'windows-x86_64', 'windows-arm64']);
  const direct = findingsOf(await auditPackage({ 'binding.gyp': '{}' }, { scripts: { install: 'cmake-js compile' } }), 'npm.builds-at-install');
  assert.match(direct[0]!.message, /the install script \(cmake-js compile\) compiles the addon on every user's machine/);
});

test('npm.missing-prebuild: a napi-rs root is judged by its platform packages; a platform package is not judged', async () => {
  const root = findingsOf(
    await auditPackage({ 'index.js': '' }, { optionalDependencies: { 'demo-addon-linux-x64-gnu': '1.2.3', 'demo-addon-linux-x64-musl': '1.2.3', 'demo-addon-darwin-universal': '1.2.3', 'demo-addon-win32-x64-msvc': '1.2.3' } }),
    'npm.missing-prebuild',
  );
  assert.deepEqual(root.map((x) => x.evidence.missing), [['linux-arm64-glibc', 'linux-arm64-musl'], ['windows-arm64']]);
  assert.match(root[0]!.message, /no platform package for .*"Cannot find module"/);
  const platform = await auditPackage({ 'x.node': NAPI }, { name: 'demo-addon-linux-x64-gnu', os: ['linux'], cpu: ['x64'], libc: ['glibc'] });
  assert.deepEqual(findingsOf(platform, 'npm.missing-prebuild'), []);
});

test('npm.binary-downloaded-at-install: prebuild-install names its release asset template', async () => {
  const f = findingsOf(await auditPackage({ 'binding.gyp': '{}' }, { name: '@scope/demo', scripts: { install: 'prebuild-install || node-gyp rebuild' } }), 'npm.binary-downloaded-at-install');
  assert.match(f[0]!.message, /demo-v\{version\}-\{runtime\}-v\{abi\}-\{platform\}\{libc\}-\{arch\}\.tar\.gz.*where the download fails it compiles \(node-gyp rebuild\)/);
  // A `binary` block that only carries napi_versions (cmake-js) downloads nothing.
  assert.deepEqual(findingsOf(await auditPackage({ [`${L}/x.node`]: NAPI }, { binary: { napi_versions: [4] } }), 'npm.binary-downloaded-at-install'), []);
});

test('npm.package-json-invalid: fields npm ignores are a warning, a missing name an error', async () => {
  const ignored = findingsOf(await auditPackage({ [`${L}/x.node`]: NAPI }, { os: 'linux', cpu: [64], engines: 'node >= 18' }), 'npm.package-json-invalid');
  assert.equal(ignored.length, 1);
  assert.equal(ignored[0]!.severity, 'warning');
  assert.match(ignored[0]!.message, /cpu is not a list of strings/);
  assert.match(ignored[0]!.message, /engines is not an object/);
  const nameless = findingsOf(await auditPackage({ 'package.json': '{"version": "1.0.0"}' }, null), 'npm.package-json-invalid');
  assert.equal(nameless[0]!.severity, 'error');
  assert.match(nameless[0]!.message, /has no name/);
});
