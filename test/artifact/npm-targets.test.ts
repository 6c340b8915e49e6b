/**
 * An npm package's claims as targets (src/artifact/npm/targets.ts): prebuild
 * directories and tags, untagged Linux builds (glibc and musl), platform
 * package fields, build outputs and stray addons by their own facts, shared
 * libraries by the addons that need them, Node's own floors per target, and
 * which targets each binary must serve. The bare `.node` kind's targets come
 * from the binary alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npmBinaryTargets, npmTargets } from '../../src/artifact/npm/targets.ts';
import { auditFile } from '../../src/audit/audit.ts';
import { nodeAddonFixtures } from '../fixtures/node-addon.ts';
import { npmFixtures } from '../fixtures/npm.ts';
import { auditPackage, modelOf } from './npm-helpers.ts';

const ax = nodeAddonFixtures();
const nx = npmFixtures();
const NAPI = readFileSync(ax['gyp/declared9.node']);
const FORTIFY = readFileSync(nx['x64/fortify.node']);
const MUSL = readFileSync(ax['musl/tsfn.node']);

const ids = (ts: { id: string }[]) => ts.map((t) => t.id);

test('prebuild directories and tags become targets, with Node’s own floors', async () => {
  const m = await modelOf(
    {
      'prebuilds/linux-x64/demo.glibc.node': NAPI,
      'prebuilds/linux-x64/demo.musl.node': MUSL,
      'prebuilds/linux-arm64/demo.node': readFileSync(ax['arm64/declared9.node']),
      'prebuilds/darwin-x64+arm64/demo.node': readFileSync(ax['macho/declared9-universal.node']),
      'prebuilds/win32-ia32/node.napi.node': readFileSync(ax['pe/tsfn-x86.node']),
      'prebuilds/linux-x64/node.abi72.node': NAPI,
      'prebuilds/linux-x64/electron.abi75.node': NAPI,
      'prebuilds/linuxmusl-x64/demo.node': MUSL,
    },
    { engines: { node: '>=18' } },
  );
  // The untagged builds claim musl too (the V8 one for its ABI); Electron has no musl builds; linuxmusl-x64 is no directory node-gyp-build reads.
  assert.deepEqual(ids(npmTargets(m)), [
    'linux-x86_64-glibc-electron-abi75',
    'linux-x86_64-glibc2.28-node',
    'linux-x86_64-glibc2.17-node-abi72',
    'linux-x86_64-musl-node',
    'linux-x86_64-musl-node-abi72',
    'linux-arm64-glibc2.28-node',
    'linux-arm64-musl-node',
    'macos-x86_64-10.15-node',
    'macos-arm64-11.0-node',
    'windows-i386-napi',
  ]);
  const t = npmTargets(m).find((x) => x.id === 'linux-x86_64-glibc2.28-node')!;
  assert.equal(t.policy, 'manylinux_2_28');
  assert.deepEqual(t.node, { runtime: 'node', napi: false, moduleVersion: null, engines: '>=18' });
  assert.equal(t.claims[0], 'Node >=18 on linux-x64 glibc');
  assert.equal(t.claims[1], 'prebuilds/linux-x64/demo.glibc.node');
  assert.match(t.claims[2]!, /glibc 2\.28: what Node 18's official Linux builds need/);
  const abi = npmTargets(m).find((x) => x.id === 'linux-x86_64-glibc2.17-node-abi72')!;
  assert.equal(abi.claims[0], 'Node 12 (NODE_MODULE_VERSION 72) on linux-x64 glibc', 'an ABI build is judged by the lines of its own NODE_MODULE_VERSION');
  const electron = npmTargets(m).find((x) => x.id === 'linux-x86_64-glibc-electron-abi75')!;
  assert.equal(electron.libc?.minVersion, null);
  assert.equal(electron.policy, null);
  assert.equal(npmTargets(m).find((x) => x.id === 'linux-x86_64-musl-node')!.policy, 'musllinux_1_2');
});

test('an untagged Linux prebuild claims musl too; a glibc build is not held to that target', async () => {
  const m = await modelOf({ 'prebuilds/linux-x64/demo.node': FORTIFY, 'prebuilds/linux-x64/static.node': NAPI });
  const targets = npmTargets(m);
  assert.deepEqual(ids(targets), ['linux-x86_64-glibc2.28-node', 'linux-x86_64-musl-node']);
  assert.match(targets[1]!.claims.join('\n'), /no libc tag: node-gyp-build picks it on musl systems too/);
  const facts = (p: string) => ({ path: p, facts: m.scanned[p]!.facts });
  // fortify.node is linked against glibc; declared9.node names no libc at all.
  assert.deepEqual(ids(npmBinaryTargets(m, targets, facts('package/prebuilds/linux-x64/demo.node'))), ['linux-x86_64-glibc2.28-node']);
  assert.deepEqual(ids(npmBinaryTargets(m, targets, facts('package/prebuilds/linux-x64/static.node'))), ['linux-x86_64-glibc2.28-node', 'linux-x86_64-musl-node']);
  // An untagged musl build is held to the glibc target, where it does not load.
  const musl = await auditPackage({ 'prebuilds/linux-x64/demo.node': MUSL });
  assert.ok(musl.findings.some((f) => f.check === 'elf.libc-mismatch' && f.targets.includes('linux-x86_64-glibc2.28-node')), JSON.stringify(musl.findings));
});

test('package.json libc narrows untagged prebuilds: npm refuses the package on the libc it excludes', async () => {
  const glibcOnly = await modelOf({ 'prebuilds/linux-x64/static.node': NAPI }, { libc: ['glibc'] });
  assert.deepEqual(ids(npmTargets(glibcOnly)), ['linux-x86_64-glibc2.28-node']);
  const notMusl = await modelOf({ 'prebuilds/linux-x64/static.node': NAPI }, { libc: ['!musl'] });
  assert.deepEqual(ids(npmTargets(notMusl)), ['linux-x86_64-glibc2.28-node']);
  const muslOnly = await modelOf({ 'prebuilds/linux-x64/static.node': NAPI }, { libc: ['musl'] });
  assert.deepEqual(ids(npmTargets(muslOnly)), ['linux-x86_64-musl-node']);
});

test('a platform package claims what its os / cpu / libc fields say, N-API on every admitted Node', async () => {
  const m = await modelOf({ 'demo.linux-arm64-musl.node': MUSL }, { name: 'demo-linux-arm64-musl', os: ['linux'], cpu: ['arm64'], libc: ['musl'], engines: { node: '>=20' } });
  const targets = npmTargets(m);
  assert.deepEqual(ids(targets), ['linux-arm64-musl-napi']);
  assert.equal(targets[0]!.claims[1], 'package.json os ["linux"], cpu ["arm64"], libc ["musl"]');
  // The x86_64 binary in a linux-arm64 package is the existing arch check's, through the targets.
  const r = await auditPackage({ 'demo.linux-arm64-musl.node': MUSL }, { name: 'demo-linux-arm64-musl', os: ['linux'], cpu: ['arm64'], libc: ['musl'] });
  assert.deepEqual(
    r.findings.filter((f) => f.check === 'binary.arch-mismatch').map((f) => [f.file, f.targets]),
    [['package/demo.linux-arm64-musl.node', ['linux-arm64-musl-napi']]],
  );
  // Without a libc field, the napi-rs name says it; a glibc build in a "-musl" package is the libc check's.
  const named = await auditPackage({ 'demo.node': FORTIFY }, { name: 'demo-linux-x64-musl', os: ['linux'], cpu: ['x64'] });
  assert.deepEqual(ids(named.targets), ['linux-x86_64-musl-napi']);
  assert.ok(named.findings.some((f) => f.check === 'elf.libc-mismatch'), JSON.stringify(named.findings));
});

test('build outputs and stray addons take the platform of their own facts; libraries that of the addons that need them', async () => {
  const m = await modelOf({
    'build/Release/demo.node': readFileSync(ax['gyp/v8_legacy.node']),
    'lib/win.node': readFileSync(ax['pe/tsfn-x64.node']),
    'prebuilds/linux-x64/uses.node': readFileSync(nx['x64/uses-dep.node']),
    'prebuilds/linux-x64/libdemo.so.1': readFileSync(nx['x64/libdemo.so.1']),
    'vendor/libdemo.so.1': readFileSync(nx['x64/libdemo.so.1']),
  });
  const targets = npmTargets(m);
  assert.deepEqual(ids(targets), ['linux-x86_64-glibc2.28-node', 'linux-x86_64-glibc2.28-node-abi115', 'linux-x86_64-musl-node', 'linux-x86_64-musl-node-abi115', 'windows-x86_64-napi']);
  const of = (p: string) => ids(npmBinaryTargets(m, targets, { path: p, facts: m.scanned[p]!.facts }));
  assert.deepEqual(of('package/build/Release/demo.node'), ['linux-x86_64-glibc2.28-node-abi115', 'linux-x86_64-musl-node-abi115'], 'a V8 build of Node 20 (v8_legacy links no libc)');
  assert.deepEqual(of('package/lib/win.node'), ['windows-x86_64-napi']);
  assert.deepEqual(of('package/prebuilds/linux-x64/libdemo.so.1'), ['linux-x86_64-glibc2.28-node', 'linux-x86_64-musl-node'], 'the library beside the prebuild that needs it');
  assert.match(targets.find((t) => t.id === 'windows-x86_64-napi')!.claims[1]!, /^binary facts of lib\/win\.node/);
});

test('a bare .node file: targets from the binary alone, against the maintained Node lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bare-'));
  const one = async (fixture: string) => {
    const path = join(dir, 'demo.node');
    writeFileSync(path, readFileSync(fixture));
    return auditFile(path);
  };
  const glibc = await one(nx['x64/glibc236.node']);
  assert.equal(glibc.artifact.kind, 'node-addon');
  assert.deepEqual(ids(glibc.targets), ['linux-x86_64-glibc2.28-napi']);
  assert.match(glibc.targets[0]!.claims.join('\n'), /binary facts of demo\.node/);
  assert.ok(glibc.findings.some((f) => f.check === 'elf.symbol-version-too-new'), 'GLIBC_2.36 is above Node 20’s own 2.28');
  assert.equal(glibc.binaries[0]!.node?.kind, 'napi');
  const universal = await one(ax['macho/declared9-universal.node']);
  assert.deepEqual(ids(universal.targets), ['macos-x86_64-10.15-napi', 'macos-arm64-11.0-napi']);
  const v8 = await one(ax['pe/v8_struct-x64.node']);
  assert.deepEqual(ids(v8.targets), ['windows-x86_64-node-abi108']);
});
