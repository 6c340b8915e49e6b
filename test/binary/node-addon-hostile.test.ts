/**
 * The Node addon analysis on hostile input: mutation fuzzing of parse +
 * analysis over the addon fixtures (the bytes the analysis reads — code,
 * strings, structs, relocations — are where mutations land), and targeted
 * edits that show the facts come from the bytes: a moved export, patched
 * code, a rewritten nm_version.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseBinary } from '../../src/binary/index.ts';
import { bytesSource } from '../../src/binary/source.ts';
import type { ElfFile } from '../../src/binary/elf/parse.ts';
import { nodeAddonFacts, type NodeAddonFacts } from '../../src/binary/addons/node.ts';
import { Reader } from '../../src/binary/reader.ts';
import { MAX_SOURCE_NAMES, SCAN_LIMIT, ScanBudget, scanNapiNames, scanSourceFileNames } from '../../src/binary/addons/node-strings.ts';
import { napiSymbolTable } from '../../src/policy/node.ts';
import { runFuzz, FUZZ_HEAP_MB } from '../support/fuzz.ts';
import { NODE_ADDON_FIXTURES, nodeAddonFixtures, type NodeAddonFixture } from '../fixtures/node-addon.ts';

const RUNS = 4000;
const SEED = 0x4e0de;

test(`${RUNS} mutated addons: parse + analysis give facts or a BinaryParseError, within 500 ms and a ${FUZZ_HEAP_MB} MB heap each`, async (t) => {
  const seeds = NODE_ADDON_FIXTURES.map((f) => nodeAddonFixtures()[f]);
  const report = await runFuzz({
    parserModule: new URL('./node-addon-fuzz-target.ts', import.meta.url).href,
    parserExport: 'parseAndAnalyse',
    seeds,
    runs: RUNS,
    seed: SEED,
    maxMsPerInput: 500,
    maxOutputPerInputByte: 64,
  });
  t.diagnostic(`node addon fuzz: ${report.runs} inputs from ${seeds.length} seeds: ${report.parsed} analysed, ${report.typedErrors} BinaryParseError; slowest ${report.maxMs.toFixed(1)} ms`);
  assert.equal(report.failure, null, report.failure ?? '');
  assert.equal(report.runs, RUNS);
});

function analyse(bytes: Uint8Array): NodeAddonFacts | null {
  const src = bytesSource(bytes);
  const bin = parseBinary(src);
  return bin ? nodeAddonFacts(src, bin) : null;
}

function load(name: NodeAddonFixture): Buffer {
  return readFileSync(nodeAddonFixtures()[name]);
}

/** File offset of a dynamic symbol's st_value (ELF64). */
function symbolValueOffset(bytes: Buffer, name: string): number {
  const elf = parseBinary(bytesSource(bytes)) as ElfFile;
  const dynsym = elf.sections.find((s) => s.name === '.dynsym')!;
  const sym = elf.dynamicSymbols.find((s) => s.name === name)!;
  return dynsym.offset + sym.index * 24 + 8;
}

test('an export that points outside the file: the declared version is null, with the reason', () => {
  const bytes = load('gyp/declared9.node');
  bytes.writeBigUInt64LE(0xdead0000n, symbolValueOffset(bytes, 'node_api_module_get_api_version_v1'));
  const f = analyse(bytes)!;
  assert.equal(f.kind, 'napi');
  assert.equal(f.declaredNapi, null);
  assert.equal(f.slices[0]!.declared?.reason, 'the address is not backed by file bytes');
  assert.match(f.notes.join('\n'), /not decodable/);
});

test('the declared version is read from the code: patched code changes it, or makes it undecodable', () => {
  const bytes = load('gyp/declared9.node');
  const at = analyse(bytes)!.slices[0]!.declared!.fileOffset!;
  assert.deepEqual([...bytes.subarray(at, at + 6)], [0xb8, 9, 0, 0, 0, 0xc3]);
  bytes[at + 1] = 7;
  assert.equal(analyse(bytes)!.declaredNapi, 7);
  bytes[at] = 0x0f; // ud2
  bytes[at + 1] = 0x0b;
  const f = analyse(bytes)!;
  assert.equal(f.declaredNapi, null);
  assert.match(f.slices[0]!.declared!.reason!, /unrecognised instruction 0f 0b/);
});

test('NODE_MODULE_VERSION is read from the node_module struct: rewrite nm_version, or break nm_modname', () => {
  const bytes = load('gyp/v8_legacy.node');
  const s = analyse(bytes)!.slices[0]!;
  assert.equal(s.moduleVersion, 115);
  const struct = parseInt(/node_module struct at 0x([0-9a-f]+)/.exec(s.moduleVersionSource!)![1]!, 16);
  const elf = parseBinary(bytesSource(bytes)) as ElfFile;
  const seg = elf.programHeaders.find((p) => p.type === 1 && struct >= p.vaddr && struct < p.vaddr + p.filesz)!;
  const off = seg.offset + (struct - seg.vaddr);
  assert.equal(bytes.readInt32LE(off), 115);
  bytes.writeInt32LE(72, off);
  const f = analyse(bytes)!;
  assert.equal(f.moduleVersion, 72);
  assert.deepEqual(f.runtimes.map((r) => r.runtime), ['node']);
  bytes.writeUInt32LE(0x100, off + 4); // nm_flags with a bit no NM_F_* has
  const g = analyse(bytes)!;
  assert.equal(g.kind, 'v8', 'still a V8 addon: it imports node_module_register');
  assert.equal(g.moduleVersion, null);
  assert.match(g.notes.join('\n'), /no node_module struct was found/);
});

test('truncated addons: whatever is left is analysed or refused with a BinaryParseError', () => {
  for (const name of ['gyp/v8_ctx.node', 'macho/declared9-universal.node', 'pe/tsfn-x64.node', 'arm/v8_struct.node'] as const) {
    const full = load(name);
    for (const keep of [64, 512, 4096, Math.floor(full.length / 2), full.length - 1]) {
      try {
        analyse(full.subarray(0, keep));
      } catch (e) {
        assert.equal((e as Error).name, 'BinaryParseError', `${name} cut at ${keep}: ${(e as Error).stack}`);
      }
    }
  }
});

test('string scans stop at their limits: names kept, bytes read', () => {
  const names = Buffer.from('a.cc\0'.repeat(100_000));
  const budget = new ScanBudget();
  const found = scanSourceFileNames(new Reader(bytesSource(names), 'elf'), [{ name: '.rodata', addr: 0x1000, offset: 0, length: names.length }], budget);
  assert.equal(found.size, MAX_SOURCE_NAMES);
  assert.equal(budget.truncated, true);

  const big = Buffer.alloc(SCAN_LIMIT + (8 << 20));
  big.write('napi_create_function\0', SCAN_LIMIT + 100);
  const scanBudget = new ScanBudget();
  const scan = scanNapiNames(new Reader(bytesSource(big), 'elf'), [{ name: '.rodata', addr: 0, offset: 0, length: big.length }], napiSymbolTable(), scanBudget);
  assert.equal(scan.known.size, 0, 'the name lies past the byte budget');
  assert.equal(scanBudget.truncated, true);
});

test('packed names (no NULs between them) are split at table names; unknown ones stand alone', () => {
  const data = Buffer.from('xx\0napi_create_int32napi_create_uint32\0node_api_shiny_new\0napi_register_module_v1Unref\0xnapi_typeof_thing\0');
  const scan = scanNapiNames(new Reader(bytesSource(data), 'elf'), [{ name: 'r', addr: 0, offset: 0, length: data.length }], napiSymbolTable(), new ScanBudget());
  assert.deepEqual([...scan.known].sort(), ['napi_create_int32', 'napi_create_uint32']);
  assert.deepEqual(scan.unknown, ['node_api_shiny_new']);
});
