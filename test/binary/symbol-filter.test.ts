/**
 * The parse option that lists only some defined symbols (the audit keeps the
 * ones its rules read): imports are always listed, the rest are counted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withFile } from '../../src/binary/source.ts';
import { parseElf } from '../../src/binary/elf/parse.ts';
import { parseMachO } from '../../src/binary/macho/parse.ts';
import { parsePe } from '../../src/binary/pe/parse.ts';
import { parseBinary } from '../../src/binary/index.ts';
import { elfFixtures } from '../fixtures/elf.ts';
import { machoFixtures } from '../fixtures/macho.ts';
import { peFixtures } from '../fixtures/pe.ts';

test('ELF: undefined symbols are always listed, defined ones only when kept, the rest counted', () => {
  const path = elfFixtures()['libdep.so.1']!;
  const all = withFile(path, (s) => parseElf(s));
  const some = withFile(path, (s) => parseElf(s, { keepDefinedSymbol: (n) => n === 'dep_new' }));
  const defined = all.dynamicSymbols.filter((s) => s.defined);
  assert.ok(defined.length > 1 && defined.some((s) => s.name === 'dep_new'));
  assert.deepEqual(some.dynamicSymbols.filter((s) => s.defined).map((s) => s.name), ['dep_new']);
  assert.deepEqual(some.dynamicSymbols.filter((s) => !s.defined), all.dynamicSymbols.filter((s) => !s.defined));
  assert.equal(some.omittedDefinedSymbols, defined.length - 1);
  assert.equal(all.omittedDefinedSymbols, 0);
  // Versions still land on the right symbols when entries are left out.
  assert.deepEqual(some.dynamicSymbols.find((s) => s.name === 'dep_new')?.version, all.dynamicSymbols.find((s) => s.name === 'dep_new')?.version);
});

test('Mach-O: the filter sees the stored name (with the leading underscore) and imports stay', () => {
  const path = machoFixtures()['usedep.dylib'];
  const all = withFile(path, (s) => parseMachO(s)).slices[0]!;
  const none = withFile(path, (s) => parseMachO(s, { keepDefinedSymbol: () => false })).slices[0]!;
  const seen: string[] = [];
  withFile(path, (s) => parseMachO(s, { keepDefinedSymbol: (n) => (seen.push(n), false) }));
  assert.ok(seen.length > 0 && seen.every((n) => n.startsWith('_')), JSON.stringify(seen));
  assert.deepEqual(none.symbols.filter((s) => s.defined), []);
  assert.deepEqual(none.symbols, all.symbols.filter((s) => !s.defined));
  assert.equal(none.omittedDefinedSymbols, all.symbols.filter((s) => s.defined).length);
});

test('PE: exports are kept by name and the rest counted; imports are untouched', () => {
  const path = peFixtures()['x64.dll'];
  const all = withFile(path, (s) => parsePe(s));
  const one = withFile(path, (s) => parsePe(s, { keepDefinedSymbol: (n) => n === 'da_add' }));
  assert.ok((all.exports?.functions.length ?? 0) > 1);
  assert.deepEqual(one.exports?.functions.map((f) => f.names), [['da_add']]);
  assert.equal(one.exports?.omitted, (all.exports?.functions.length ?? 0) - 1);
  assert.deepEqual(one.imports, all.imports);
});

test('parseBinary passes the filter to every format', () => {
  const keep = () => false;
  const elf = withFile(elfFixtures()['libdep.so.1']!, (s) => parseBinary(s, { keepDefinedSymbol: keep }));
  const pe = withFile(peFixtures()['x64.dll'], (s) => parseBinary(s, { keepDefinedSymbol: keep }));
  assert.ok(elf?.format === 'elf' && elf.omittedDefinedSymbols > 0);
  assert.ok(pe?.format === 'pe' && (pe.exports?.omitted ?? 0) > 0 && pe.exports?.functions.length === 0);
});
