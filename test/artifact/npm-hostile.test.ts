/**
 * Hostile npm packages against the npm model, targets and rules: package.json
 * made to break a parser (deep nesting, prototype keys, wrong types, size),
 * directory names that collide with object keys, thousands of binaries and
 * the libraries they need (the work stays linear), and random layouts and
 * package.json fields (fast-check, fixed seed): every audit completes with no
 * rule failing and findings that name only the report's own targets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { auditFile } from '../../src/audit/audit.ts';
import { parsePackageJson } from '../../src/artifact/npm/package-json.ts';
import type { Report } from '../../src/report/schema.ts';
import { nodeAddonFixtures } from '../fixtures/node-addon.ts';
import { npmFixtures, npmTarball } from '../fixtures/npm.ts';
import { auditPackage } from './npm-helpers.ts';

const ax = nodeAddonFixtures();
const nx = npmFixtures();
const NAPI = readFileSync(ax['gyp/declared9.node']);

function sound(r: Report): void {
  assert.deepEqual(r.findings.filter((f) => f.check === 'audit.internal-error'), [], JSON.stringify(r.findings.filter((f) => f.check === 'audit.internal-error')));
  const ids = new Set(r.targets.map((t) => t.id));
  for (const f of r.findings) for (const t of f.targets) assert.ok(ids.has(t), `${f.check} names ${t}`);
  assert.doesNotThrow(() => JSON.stringify(r));
}

test('package.json built to break a parser: nesting, prototype keys, wrong types, size', async () => {
  const deep = `{"name":"a","version":"1.0.0","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  assert.equal(parsePackageJson(deep).json?.name, 'a');
  const proto = parsePackageJson('{"name":"a","version":"1.0.0","scripts":{"__proto__":"node-gyp rebuild","install":"x"},"optionalDependencies":{"__proto__":"1.0.0","constructor":"1.0.0"}}');
  assert.equal(Object.getPrototypeOf(proto.json!.scripts), Object.prototype, 'no prototype was replaced');
  assert.equal(proto.json!.scripts.install, 'x');
  assert.deepEqual(Object.keys(proto.json!.optionalDependencies), ['__proto__', 'constructor'], 'kept as ordinary keys');
  for (const pj of [
    { name: 'a', version: '1.0.0', engines: { node: ['>=18'] }, os: { linux: true }, cpu: 'x64', libc: null, binary: 'https://x', napi: [1], gypfile: 1, scripts: [] },
    { name: 'a'.repeat(100_000), version: '1.0.0', engines: { node: `${'>=1 '.repeat(2000)}` } },
    { name: '@scope/../../etc', version: '1.0.0', os: ['linux'], cpu: ['x64'] },
  ]) {
    sound(await auditPackage({ 'prebuilds/linux-x64/x.node': NAPI }, pj));
  }
  sound(await auditPackage({ 'package.json': deep, 'prebuilds/linux-x64/x.node': NAPI }, null));
  sound(await auditPackage({ 'package.json': ' '.repeat(5 << 20), 'x.node': NAPI }, null));
});

test('directory and file names that collide with object keys', async () => {
  // A top-level entry named __proto__ (npm strips the first component: it is no package file), holding an addon.
  const path = join(mkdtempSync(join(tmpdir(), 'proto-')), 'x.tgz');
  writeFileSync(path, npmTarball({ 'package.json': '{"name":"a","version":"1.0.0"}', 'prebuilds/linux-x64/x.node': NAPI }, '__proto__'));
  sound(await auditFile(path));
  const r = await auditPackage({
    'prebuilds/__proto__-x64/x.node': NAPI,
    'prebuilds/constructor-toString/x.node': NAPI,
    'prebuilds/linux-x64/__proto__.node': NAPI,
    'prebuilds/linux-x64/toString.abihasOwnProperty.node': NAPI,
    'build/Release/__proto__.node': NAPI,
    'prebuilds/linux-x64+x64+x64/y.node': NAPI,
  });
  sound(r);
});

test('3,000 addons and the 3,000 libraries they need: the audit stays linear', async () => {
  const uses = readFileSync(nx['x64/uses-dep.node']);
  const lib = readFileSync(nx['x64/libdemo.so.1']);
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 3000; i++) files[`prebuilds/linux-x64/a${i}.node`] = uses;
  for (let i = 0; i < 3000; i++) files[`lib/d${i}/libdemo.so.1`] = lib;
  const t0 = performance.now();
  const r = await auditPackage(files);
  const ms = performance.now() - t0;
  sound(r);
  // About 4 s here; the quadratic versions took minutes.
  assert.ok(ms < 40_000, `${ms.toFixed(0)} ms`);
  assert.deepEqual(r.targets.map((t) => t.id), ['linux-x86_64-glibc2.28-node', 'linux-x86_64-musl-node']);
  assert.ok(r.targets[0]!.claims.some((c) => /^and \d+ more file/.test(c)), 'a target lists a bounded number of claims');
});

test('random layouts and package.json fields: every audit completes', async () => {
  const bins = [NAPI, readFileSync(ax['musl/tsfn.node']), readFileSync(ax['macho/declared9-universal.node']), readFileSync(ax['pe/tsfn-x64.node']), readFileSync(ax['gyp/v8_legacy.node']), readFileSync(ax['x64/plain.so']), Buffer.from('not a binary')];
  const dir = fc.constantFrom('prebuilds/linux-x64', 'prebuilds/linux-arm64', 'prebuilds/darwin-x64+arm64', 'prebuilds/win32-x64', 'prebuilds/linuxmusl-x64', 'build/Release', 'lib', 'prebuilds', '');
  const name = fc.constantFrom('x.node', 'node.napi.node', 'node.abi115.node', 'electron.abi119.node', 'x.musl.node', 'x.glibc.armv7.node', 'libfoo.so.1', 'uvu.node');
  const file = fc.tuple(dir, name, fc.nat(bins.length - 1)).map(([d, n, b]) => [d ? `${d}/${n}` : n, b] as const);
  const pj = fc.record(
    {
      engines: fc.constantFrom({ node: '>=18' }, { node: 'banana' }, { node: '^20.3.0 || >=22' }, {}, 'x'),
      os: fc.constantFrom(['linux'], ['darwin', 'win32'], ['!win32'], undefined),
      cpu: fc.constantFrom(['x64'], ['arm64'], undefined),
      libc: fc.constantFrom(['musl'], ['glibc'], undefined),
      scripts: fc.constantFrom({ install: 'node-gyp-build' }, { install: 'prebuild-install || node-gyp rebuild' }, {}),
      optionalDependencies: fc.constantFrom({ 'demo-addon-linux-x64-gnu': '^1.2.3' }, {}),
      gypfile: fc.constantFrom(true, false, undefined),
    },
    { requiredKeys: [] },
  );
  const cases = fc.sample(fc.tuple(fc.array(file, { maxLength: 6 }), pj, fc.boolean()), { numRuns: 60, seed: 0x6e706d });
  for (const [files, fields, gyp] of cases) {
    const pkg: Record<string, Buffer | string> = Object.fromEntries(files.map(([p, b]) => [p, bins[b]!]));
    if (gyp) pkg['binding.gyp'] = '{}';
    sound(await auditPackage(pkg, fields as Record<string, unknown>));
  }
});
