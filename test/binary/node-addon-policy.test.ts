/**
 * src/policy/node.ts: the Node-API symbol table (node-api-headers) checked
 * against Node's own headers in /usr/include/node; the Node-API matrix and
 * NODE_MODULE_VERSION mapping checked against the running Node; the engines
 * range parser checked against npm's `semver` (installed with node-abi) on a
 * grid of versions and on random ranges (fast-check, fixed seed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import {
  compareReleaseVersions,
  enginesAdmission,
  firstReleaseOffering,
  linesLackingNapi,
  moduleVersionReleases,
  napiLevelOf,
  napiMaxKnownVersion,
  napiSymbolTable,
  napiSymbolVersion,
  nodeGlibcFloor,
  nodeModuleVersion,
  parseNodeRange,
  parseReleaseVersion,
  satisfiesNodeRange,
} from '../../src/policy/node.ts';

const require = createRequire(import.meta.url);
const semver = require('semver') as { satisfies(v: string, r: string): boolean; validRange(r: string): string | null };

test('the N-API table: first versions from node-api-headers', () => {
  assert.equal(napiSymbolTable().size, 155);
  assert.equal(napiMaxKnownVersion(), 10);
  assert.equal(napiSymbolVersion('napi_create_function'), 1);
  assert.equal(napiSymbolVersion('napi_module_register'), 1);
  assert.equal(napiSymbolVersion('napi_get_uv_event_loop'), 2);
  assert.equal(napiSymbolVersion('napi_create_threadsafe_function'), 4);
  assert.equal(napiSymbolVersion('napi_add_finalizer'), 5);
  assert.equal(napiSymbolVersion('node_api_symbol_for'), 9);
  assert.equal(napiSymbolVersion('node_api_create_buffer_from_arraybuffer'), 10);
  assert.equal(napiSymbolVersion('node_api_post_finalizer'), null, 'experimental: in no version yet');
});

/** Functions Node's own headers declare, each with the NAPI_VERSION guard around it ('experimental' under NAPI_EXPERIMENTAL). */
function headerGuards(file: string): Map<string, number | 'experimental'> {
  const out = new Map<string, number | 'experimental'>();
  const stack: Array<number | 'experimental' | null> = [];
  let pending = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^#if NAPI_VERSION >= (\d+)/.exec(line))) stack.push(Number(m[1]));
    else if (/^#ifdef NAPI_EXPERIMENTAL/.test(line)) stack.push('experimental');
    else if (/^#if/.test(line)) stack.push(null);
    else if (/^#else/.test(line)) stack[stack.length - 1] = null;
    else if (/^#endif/.test(line)) stack.pop();
    if (/\bNAPI_EXTERN\b/.test(line) && !/define/.test(line)) pending = true;
    if (pending && (m = /\b((?:napi|node_api)_[a-z0-9_]+)\s*\(/.exec(line))) {
      pending = false;
      const guard = stack.includes('experimental') ? 'experimental' : Math.max(1, ...stack.filter((g): g is number => typeof g === 'number'));
      out.set(m[1]!, guard);
    }
  }
  return out;
}

test("the table agrees with the NAPI_VERSION guards of Node's own headers (/usr/include/node)", (t) => {
  let checked = 0;
  for (const h of ['js_native_api.h', 'node_api.h']) {
    for (const [name, guard] of headerGuards(`/usr/include/node/${h}`)) {
      const v = napiSymbolVersion(name);
      if (guard === 'experimental') assert.ok(v === null || v >= 10, `${name}: experimental in Node ${process.version}'s headers, table says ${v}`);
      else assert.equal(v, guard, `${name}: guarded by NAPI_VERSION >= ${guard} in ${h}`);
      checked++;
    }
  }
  t.diagnostic(`${checked} declarations of Node ${process.version}'s headers compared`);
  assert.ok(checked > 140);
});

test('the Node-API matrix per release line', () => {
  const cases: Array<[string, number]> = [
    ['24.0.0', 10], ['23.6.0', 10], ['23.5.0', 9], ['22.14.0', 10], ['22.13.1', 9], ['21.0.0', 9], ['20.3.0', 9], ['20.2.0', 8],
    ['19.9.0', 8], ['18.17.0', 9], ['18.16.1', 8], ['16.0.0', 8], ['15.12.0', 8], ['15.11.0', 7], ['14.17.0', 8], ['14.12.0', 7],
    ['14.0.0', 6], ['13.0.0', 5], ['12.22.0', 8], ['12.10.0', 4], ['11.8.0', 4], ['11.0.0', 3], ['10.15.0', 3], ['10.23.0', 7],
    ['8.16.0', 4], ['8.15.0', 3], ['8.11.2', 3], ['8.6.0', 1], ['8.5.0', 0], ['9.0.0', 0], ['6.14.2', 0],
  ];
  for (const [v, level] of cases) assert.equal(napiLevelOf(v), level, v);
  assert.equal(napiLevelOf('9.11.0', { includeExperimental: true }), 3);
  assert.equal(napiLevelOf('6.14.2', { includeExperimental: true }), 3);
  assert.equal(napiLevelOf('not a version'), 0);
});

test("the running Node agrees: its Node-API level and NODE_MODULE_VERSION", () => {
  assert.equal(napiLevelOf(process.versions.node), Number(process.versions.napi));
  assert.equal(nodeModuleVersion(Number(process.versions.node.split('.')[0])), Number(process.versions.modules));
});

test('the first release of a line offering a level', () => {
  assert.equal(firstReleaseOffering(9, 18), '18.17.0');
  assert.equal(firstReleaseOffering(9, 19), null);
  assert.equal(firstReleaseOffering(9, 22), '22.0.0');
  assert.equal(firstReleaseOffering(10, 22), '22.14.0');
  assert.equal(firstReleaseOffering(4, 8), '8.16.0');
  assert.equal(firstReleaseOffering(8, 13), null);
  assert.equal(firstReleaseOffering(1, 30), '30.0.0');
});

test('NODE_MODULE_VERSION → runtimes (node-abi): Node and Electron share some numbers, all matches reported', () => {
  assert.deepEqual(moduleVersionReleases(115), [{ runtime: 'node', from: '20.0.0', until: '21.0.0', future: false }]);
  assert.deepEqual(moduleVersionReleases(75), [{ runtime: 'electron', from: '7.0.0-beta.1', until: '8.0.0-beta.1', future: false }]);
  assert.deepEqual(moduleVersionReleases(64).map((r) => `${r.runtime} ${r.from}..${r.until}`), ['node 10.0.0..11.0.0', 'electron 3.0.0..4.0.4']);
  assert.deepEqual(moduleVersionReleases(76).map((r) => `${r.from}..${r.until}`), ['8.0.0-beta.1..9.0.0-beta.2'], 'Electron 8 and the first 9 beta share 76');
  assert.deepEqual(moduleVersionReleases(9999), []);
  assert.equal(nodeModuleVersion(18), 108);
  assert.equal(nodeModuleVersion(22), 127);
});

test("Node's own glibc floor per line and architecture", () => {
  assert.equal(nodeGlibcFloor(18, 'x86_64')?.glibc, '2.28');
  assert.equal(nodeGlibcFloor(24, 'arm64')?.glibc, '2.28');
  assert.equal(nodeGlibcFloor(16, 'x86_64')?.glibc, '2.17');
  assert.equal(nodeGlibcFloor(17, 'arm64')?.glibc, '2.17');
  assert.equal(nodeGlibcFloor(16, 'arm')?.glibc, '2.24');
  assert.equal(nodeGlibcFloor(10, 'x86_64'), null);
  assert.equal(nodeGlibcFloor(20, 'riscv64'), null);
});

test('release versions and their precedence', () => {
  const order = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.1.0', '2.0.0'];
  for (let i = 1; i < order.length; i++) assert.ok(compareReleaseVersions(parseReleaseVersion(order[i - 1]!)!, parseReleaseVersion(order[i]!)!) < 0, `${order[i - 1]} < ${order[i]}`);
  assert.equal(parseReleaseVersion('v20.1.0')?.major, 20);
  assert.equal(parseReleaseVersion('20.1'), null);
});

const RANGES = [
  '>=18', '>=18.17.0', '^18.17.0 || >=20.3.0', '^18.17.0 || ^20.3.0 || >=21.0.0', '>=14 <20', '>= 16.0.0', '16 - 20', '16.2 - 18.1',
  '~18.17', '~18', '^0.10', '^0.0.3', '^0.x', '18.x', '18.17.x', '*', '', 'x', '>16', '>16.3', '<=16', '<=16.3', '<16.3.2', '=18.0.0',
  '18.0.0', '>=12.22.0 <13 || >=14.17.0 <15 || >=16', '~> 18.1', 'v18.1.0', '>=18.0.0-rc.1', '>=10 <=10', '>20 <18', '^18 ^19', '1.2.3 - 2', '>=1.2.x',
];

function grid(): string[] {
  const out: string[] = [];
  for (let major = 0; major <= 27; major++) for (const minor of [0, 1, 2, 3, 10, 17, 22]) for (const patch of [0, 1, 2, 3, 5]) out.push(`${major}.${minor}.${patch}`);
  return out;
}

test('engines ranges: the parser agrees with npm semver on every range × a grid of releases', (t) => {
  let n = 0;
  for (const r of RANGES) {
    assert.ok(parseNodeRange(r).ok, `parses ${JSON.stringify(r)}`);
    for (const v of grid()) {
      assert.equal(satisfiesNodeRange(v, r), semver.satisfies(v, r), `${v} in ${JSON.stringify(r)}`);
      n++;
    }
  }
  t.diagnostic(`${n} (version, range) pairs equal to semver.satisfies`);
});

test('engines ranges: random ranges from the grammar agree with npm semver (fast-check, fixed seed)', () => {
  const part = fc.oneof(fc.integer({ min: 0, max: 25 }).map(String), fc.constant('x'), fc.constant('*'));
  const partial = fc.tuple(fc.oneof(fc.integer({ min: 0, max: 25 }).map(String), fc.constant('x')), fc.option(part, { nil: undefined }), fc.option(part, { nil: undefined })).map(([a, b, c]) => [a, b, b === undefined ? undefined : c].filter((p) => p !== undefined).join('.'));
  const op = fc.constantFrom('', '>=', '>', '<', '<=', '=', '^', '~', '~>', '>= ', '< ');
  const comparator = fc.tuple(op, partial).map(([o, p]) => `${o}${p}`);
  const set = fc.oneof(fc.array(comparator, { minLength: 1, maxLength: 3 }).map((cs) => cs.join(' ')), fc.tuple(partial, partial).map(([a, b]) => `${a} - ${b}`), fc.constant(''));
  const range = fc.array(set, { minLength: 1, maxLength: 3 }).map((ss) => ss.join(' || '));
  const version = fc.tuple(fc.integer({ min: 0, max: 26 }), fc.integer({ min: 0, max: 26 }), fc.integer({ min: 0, max: 4 })).map((v) => v.join('.'));
  fc.assert(
    fc.property(range, fc.array(version, { minLength: 5, maxLength: 5 }), (r, vs) => {
      if (semver.validRange(r) === null) return; // we accept a few forms semver rejects (`16.*.21`); no engines field has them
      assert.ok(parseNodeRange(r).ok, `semver accepts ${JSON.stringify(r)}, so must we`);
      for (const v of vs) assert.equal(satisfiesNodeRange(v, r), semver.satisfies(v, r), `${v} in ${JSON.stringify(r)}`);
    }),
    { seed: 0x4e0de, numRuns: 3000 },
  );
});

test('engines ranges that are not ranges give a reason', () => {
  for (const r of ['banana', '>=18 <', '18.0.0.0', '>=18,<20', '^^18', 'x'.repeat(2000)]) {
    const p = parseNodeRange(r);
    assert.equal(p.ok, false, r);
    assert.equal(enginesAdmission(r).error, (p as { reason: string }).reason);
  }
});

test('what an engines range admits: per line, the lowest release, its Node-API level and NODE_MODULE_VERSION', () => {
  const sharp = enginesAdmission('^18.17.0 || ^20.3.0 || >=21.0.0');
  assert.equal(sharp.minNapi, 9, "sharp's range matches the 9 it declares");
  assert.deepEqual(sharp.lines.slice(0, 3), [
    { major: 18, lowest: '18.17.0', napi: 9, moduleVersion: 108 },
    { major: 20, lowest: '20.3.0', napi: 9, moduleVersion: 115 },
    { major: 21, lowest: '21.0.0', napi: 9, moduleVersion: 120 },
  ]);
  assert.equal(sharp.openEnded, true);

  const loose = enginesAdmission('>=18');
  assert.equal(loose.minNapi, 8);
  assert.deepEqual(linesLackingNapi(loose, 9).map((l) => [l.major, l.lowest, l.firstOffering]), [[18, '18.0.0', '18.17.0'], [19, '19.0.0', null], [20, '20.0.0', '20.3.0']]);

  const pinned = enginesAdmission('^20.3.0');
  assert.deepEqual(pinned.moduleVersions, [115]);
  assert.equal(pinned.openEnded, false);
  assert.equal(enginesAdmission('14 || 16').minNapi, 6);
  assert.equal(enginesAdmission('>20 <18').minNapi, null, 'admits nothing');
});
