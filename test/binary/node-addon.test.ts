/**
 * nodeAddonFacts on fixtures that really have each property (built from
 * native/node-addon/ with node-gyp, gcc, the cross compilers, musl-gcc, clang
 * + lld for ARM, Mach-O and PE), and twins that do not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBinary, type ParseOptions } from '../../src/binary/index.ts';
import { withFile } from '../../src/binary/source.ts';
import { NODE_ADDON_DEFINED_SYMBOLS, nodeAddonFacts, NodeAddonFactsSchema, type NodeAddonFacts } from '../../src/binary/addons/node.ts';
import { NAPI_VERSION_EXPERIMENTAL } from '../../src/policy/node.ts';
import { Value } from 'typebox/value';
import { nodeAddonFixtures, V8_STRUCT_VERSIONS, type NodeAddonFixture } from '../fixtures/node-addon.ts';

function facts(name: NodeAddonFixture, options: ParseOptions = {}): NodeAddonFacts | null {
  return withFile(nodeAddonFixtures()[name], (src) => {
    const bin = parseBinary(src, options);
    assert.ok(bin, `${name} parses`);
    return nodeAddonFacts(src, bin);
  });
}

function addon(name: NodeAddonFixture, options: ParseOptions = {}): NodeAddonFacts {
  const f = facts(name, options);
  assert.ok(f, `${name} is a Node addon`);
  assert.ok(Value.Check(NodeAddonFactsSchema, f), `${name}: facts match NodeAddonFactsSchema`);
  assert.deepEqual(JSON.parse(JSON.stringify(f)), f, `${name}: facts are plain JSON`);
  return f;
}

interface Expect {
  kind: NodeAddonFacts['kind'];
  minNapi?: number | null;
  culprits?: string[];
  declared?: number | null;
  experimental?: string[];
  ceiling?: number | null;
  moduleVersion?: number | null;
  arch?: string[];
}

/** What each fixture is, by construction (its source and build flags). */
const EXPECTED: Partial<Record<NodeAddonFixture, Expect>> = {
  'gyp/declared9.node': { kind: 'napi', minNapi: 1, declared: 9, arch: ['x86_64'] },
  'gyp/declared10.node': { kind: 'napi', minNapi: 1, declared: 10 },
  'gyp/tsfn.node': { kind: 'napi', minNapi: 4, culprits: ['napi_call_threadsafe_function', 'napi_create_threadsafe_function', 'napi_release_threadsafe_function'], declared: 8 },
  'gyp/symbolfor.node': { kind: 'napi', minNapi: 9, culprits: ['node_api_symbol_for'], declared: 9 },
  'gyp/experimental.node': { kind: 'napi', minNapi: 5, culprits: ['napi_add_finalizer'], declared: NAPI_VERSION_EXPERIMENTAL, experimental: ['node_api_post_finalizer'] },
  'gyp/legacy.node': { kind: 'napi', minNapi: 1, declared: null },
  'gyp/v8_legacy.node': { kind: 'v8', minNapi: null, declared: null, moduleVersion: 115 },
  'gyp/v8_ctx.node': { kind: 'v8', moduleVersion: 115 },
  'gyp/v8_abi108.node': { kind: 'v8', moduleVersion: 108 },
  'x64/declared9-O0.node': { kind: 'napi', minNapi: 1, declared: 9 },
  'x64/declared9-Oz.node': { kind: 'napi', minNapi: 1, declared: 9 },
  'x64/dynamic.node': { kind: 'napi-dynamic', minNapi: null, declared: null, ceiling: 6 },
  'arm64/declared9.node': { kind: 'napi', minNapi: 1, declared: 9, arch: ['arm64'] },
  'arm64/declared9-O0.node': { kind: 'napi', declared: 9 },
  'arm64/tsfn.node': { kind: 'napi', minNapi: 4, declared: 8 },
  'i386/declared9.node': { kind: 'napi', minNapi: 1, declared: 9, arch: ['i386'] },
  'i386/declared9-O0.node': { kind: 'napi', declared: 9 },
  'i386/tsfn.node': { kind: 'napi', minNapi: 4, declared: 8 },
  'musl/tsfn.node': { kind: 'napi', minNapi: 4, declared: 8 },
  'arm/declared9-arm.node': { kind: 'napi', declared: 9, arch: ['arm'] },
  'arm/declared9-arm-O0.node': { kind: 'napi', declared: 9 },
  'arm/experimental-arm-O0.node': { kind: 'napi', minNapi: 5, declared: NAPI_VERSION_EXPERIMENTAL, experimental: ['node_api_post_finalizer'] },
  'arm/declared9-thumb.node': { kind: 'napi', declared: 9 },
  'arm/experimental-thumb.node': { kind: 'napi', declared: NAPI_VERSION_EXPERIMENTAL, experimental: ['node_api_post_finalizer'] },
  'macho/declared9-arm64.node': { kind: 'napi', minNapi: 1, declared: 9, arch: ['arm64'] },
  'macho/declared9-x86_64.node': { kind: 'napi', minNapi: 1, declared: 9, arch: ['x86_64'] },
  'macho/declared9-x86_64-O0.node': { kind: 'napi', declared: 9 },
  'macho/declared9-universal.node': { kind: 'napi', minNapi: 1, declared: 9, arch: ['x86_64', 'arm64'] },
  'macho/mixed-universal.node': { kind: 'napi', minNapi: 4, declared: 9, arch: ['x86_64', 'arm64'] },
  'pe/tsfn-x64.node': { kind: 'napi', minNapi: 4, declared: 8, arch: ['x86_64'] },
  'pe/tsfn-x64-nodelay.node': { kind: 'napi', minNapi: 4, declared: 8 },
  'pe/declared9-x64-O0.node': { kind: 'napi', minNapi: 1, declared: 9 },
  'pe/tsfn-x86.node': { kind: 'napi', minNapi: 4, declared: 8, arch: ['i386'] },
  'pe/declared9-arm64.node': { kind: 'napi', declared: 9, arch: ['arm64'] },
  'pe/declared9-armnt.node': { kind: 'napi', declared: 9, arch: ['arm'] },
  'pe/dynamic-x64.node': { kind: 'napi-dynamic', minNapi: null, ceiling: 6 },
  ...Object.fromEntries(Object.entries(V8_STRUCT_VERSIONS).map(([k, v]) => [k, { kind: 'v8', minNapi: null, declared: null, moduleVersion: v }])),
};

for (const [name, want] of Object.entries(EXPECTED) as Array<[NodeAddonFixture, Expect]>) {
  test(`${name}: ${want.kind}${want.declared !== undefined ? `, declares ${want.declared}` : ''}${want.minNapi ? `, imports need ${want.minNapi}` : ''}${want.moduleVersion ? `, NODE_MODULE_VERSION ${want.moduleVersion}` : ''}`, () => {
    const f = addon(name);
    assert.equal(f.kind, want.kind, 'kind');
    if (want.minNapi !== undefined) assert.equal(f.minNapi, want.minNapi, 'minNapi');
    if (want.culprits) assert.deepEqual(f.minNapiCulprits, want.culprits, 'culprits');
    if (want.declared !== undefined) assert.equal(f.declaredNapi, want.declared, `declaredNapi (${f.slices.map((s) => s.declared?.reason).join('; ')})`);
    if (want.declared === NAPI_VERSION_EXPERIMENTAL) assert.equal(f.declaredNapiExperimental, true);
    assert.deepEqual(f.experimentalImports, want.experimental ?? [], 'experimental imports');
    if (want.ceiling !== undefined) assert.equal(f.dynamicNapiCeiling, want.ceiling, 'dynamic ceiling');
    if (want.moduleVersion !== undefined) assert.equal(f.moduleVersion, want.moduleVersion, 'NODE_MODULE_VERSION');
    if (want.arch) assert.deepEqual(f.slices.map((s) => s.arch), want.arch, 'slices');
    if (want.kind !== 'v8') assert.deepEqual(f.runtimes, [], 'no runtimes without a module version');
    if (name !== 'macho/mixed-universal.node') assert.deepEqual(f.notes, [], 'nothing left undecided');
  });
}

test('not addons: a plain library, and one that only mentions Node-API names in its strings', () => {
  assert.equal(facts('x64/plain.so'), null);
  assert.equal(facts('x64/mentions.so'), null);
});

test('evidence names the registration and where Node-API comes from', () => {
  const gyp = addon('gyp/tsfn.node').slices[0]!;
  assert.deepEqual(gyp.registration, { napiRegisterModuleExport: true, napiModuleRegisterImport: false, nodeRegisterModuleExport: null, nodeModuleRegisterImport: false });
  assert.equal(gyp.evidence[0], 'exports napi_register_module_v1');
  const legacy = addon('gyp/legacy.node').slices[0]!;
  assert.equal(legacy.registration.napiRegisterModuleExport, false);
  assert.equal(legacy.registration.napiModuleRegisterImport, true);
  assert.equal(legacy.declared, null, 'no node_api_module_get_api_version_v1 to decode');
  const ctx = addon('gyp/v8_ctx.node').slices[0]!;
  assert.equal(ctx.registration.nodeRegisterModuleExport, 'node_register_module_v115');
  assert.equal(ctx.registration.nodeModuleRegisterImport, true);
  assert.deepEqual(ctx.moduleVersionCandidates.map((c) => c.version), [115, 115], 'the struct and the export agree');
  assert.match(ctx.moduleVersionCandidates[0]!.source, /nm_modname "v8_ctx", nm_filename "\.\.\/v8_ctx\.cc"/);
  assert.ok(ctx.v8Imports > 0 && ctx.v8ImportSample.every((s) => s.startsWith('_ZN')));
});

test('PE: Node-API imports from node.exe count whether delay-loaded or not', () => {
  const delayed = addon('pe/tsfn-x64.node').slices[0]!;
  const plain = addon('pe/tsfn-x64-nodelay.node').slices[0]!;
  assert.deepEqual(delayed.napiLibraries, ['NODE.EXE']);
  assert.equal(delayed.napiDelayImports, delayed.napiImports);
  assert.equal(plain.napiDelayImports, 0);
  assert.equal(plain.napiImports, delayed.napiImports);
  assert.match(delayed.evidence.join('\n'), /from NODE\.EXE \(9 delay-loaded\)/);
});

test('PE on ARM: exports are Thumb code; on ELF, bit 0 of the symbol says so', () => {
  assert.equal(addon('pe/declared9-armnt.node').slices[0]!.declared?.thumb, true);
  assert.equal(addon('arm/declared9-thumb.node').slices[0]!.declared?.thumb, true);
  assert.equal(addon('arm/declared9-arm.node').slices[0]!.declared?.thumb, false);
});

test('Mach-O: names without the leading underscore, flat-namespace imports have no library', () => {
  const s = addon('macho/declared9-arm64.node').slices[0]!;
  assert.ok(s.registration.napiRegisterModuleExport);
  assert.deepEqual(s.napiLibraries, [], '-undefined dynamic_lookup: no install name');
  assert.equal(s.napiImports, 3);
});

test('a universal binary: facts per slice, merged to the highest requirement, disagreements noted', () => {
  const f = addon('macho/mixed-universal.node');
  assert.deepEqual(f.slices.map((s) => [s.arch, s.minNapi, s.declaredNapi]), [['x86_64', 4, 8], ['arm64', 1, 9]]);
  assert.equal(f.minNapi, 4);
  assert.equal(f.declaredNapi, 9);
  assert.deepEqual(f.notes, ['slices declare different Node-API versions: x86_64 slice 8, arm64 slice 9']);
  assert.ok(f.slices[1]!.sliceOffset > 0, 'slice offsets are absolute');
  assert.ok(f.slices[1]!.declared!.fileOffset! > f.slices[1]!.sliceOffset, 'code offsets are absolute in the file');
});

test('NODE_MODULE_VERSION maps to every runtime that uses it (node-abi)', () => {
  assert.deepEqual(addon('gyp/v8_legacy.node').runtimes.map((r) => [r.runtime, r.from]), [['node', '20.0.0']]);
  assert.deepEqual(addon('pe/v8_struct-x86.node').runtimes.map((r) => [r.runtime, r.from, r.until]), [['node', '12.0.0', '13.0.0']]);
});

test('run-time resolution: the ceiling and its culprits, no unknown names', () => {
  for (const name of ['x64/dynamic.node', 'pe/dynamic-x64.node'] as const) {
    const s = addon(name).slices[0]!;
    assert.equal(s.dynamicNapiNames, 5, name);
    assert.deepEqual(s.dynamicCeilingCulprits, ['napi_create_bigint_int64'], name);
    assert.deepEqual(s.dynamicUnknownNames, [], name);
  }
});

test('the audit keeps only NODE_ADDON_DEFINED_SYMBOLS exports and still sees everything; without them it says why', () => {
  const keep = (n: string) => NODE_ADDON_DEFINED_SYMBOLS.test(n);
  for (const name of ['gyp/declared9.node', 'macho/declared9-universal.node', 'pe/declared9-armnt.node', 'x64/dynamic.node', 'gyp/v8_ctx.node'] as const) {
    assert.deepEqual(facts(name, { keepDefinedSymbol: keep }), facts(name), name);
  }
  assert.equal(facts('x64/dynamic.node', { keepDefinedSymbol: () => false }), null, 'the registration export is gone');
  const f = addon('gyp/declared9.node', { keepDefinedSymbol: () => false });
  assert.equal(f.declaredNapi, null, 'the declared-version export is gone too');
});
