/**
 * Differential test: parseElf against binutils readelf on every ELF fixture and
 * on the ELF files of this machine's library and binary directories.
 *
 * Compared exactly: NEEDED (in order), SONAME, RPATH, RUNPATH, PT_INTERP, the
 * whole verneed table (files, version names, flags, versym indexes, order) and
 * the verdef table (indexes, flags, names with parents) from `readelf -W -d -V -l`; on every fixture and a sample of system files
 * also the dynamic symbol count and each symbol's name and version from
 * `readelf -W --dyn-syms` (and `readelf -W -D -s`, which counts from the hash
 * tables, for the hash-derived count), and every dynamic relocation (offset,
 * symbol index, type number; RELR decoded) from `readelf -W -r`.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { parseElf, type ElfFile, type ElfSymbol } from '../../src/binary/elf/parse.ts';
import { withFile } from '../../src/binary/source.ts';
import { toolPath } from '../support/fixture-builder.ts';
import { elfFixtures } from '../fixtures/elf.ts';
import { systemElfFiles } from '../support/system-elf.ts';
import { parseReadelfDynamic, parseReadelfRelocs, parseReadelfSymbols, readelfVerFlags, type ReadelfDynamic } from './elf-readelf.ts';

/** Every Nth system file also gets the symbol comparison (a few hundred of them). */
const SYMBOL_SAMPLE_EVERY = 8;

function readelf(args: string[], file: string): Promise<string> {
  return new Promise((resolve) => {
    execFile('readelf', [...args, file], { encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, LC_ALL: 'C' } }, (_err, stdout) => {
      // readelf exits 1 after warnings about odd files but still prints what it read.
      resolve(stdout ?? '');
    });
  });
}

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

function ours(elf: ElfFile): ReadelfDynamic {
  return {
    needed: elf.dynamic?.needed ?? [],
    soname: elf.dynamic?.soname ?? null,
    rpath: elf.dynamic?.rpath ?? null,
    runpath: elf.dynamic?.runpath ?? null,
    interpreter: elf.interpreter,
    verneed: elf.versionNeeds.map((n) => ({
      file: n.file,
      versions: n.versions.map((v) => ({ name: v.name, flags: readelfVerFlags(v.flags), index: v.index })),
    })),
    verdef: elf.versionDefs.map((d) => ({ index: d.index, flags: readelfVerFlags(d.flags), names: d.names })),
  };
}

/**
 * A symbol as readelf prints its name column. readelf quirks: a section symbol
 * without a name shows its section's name; a defined symbol named like its own
 * version (the ABS symbol a version node defines) shows no version.
 */
function symbolLabel(s: ElfSymbol, elf: ElfFile): string {
  const v = s.version;
  if (s.typeName === 'SECTION' && s.name === '') return elf.sections.find((x) => x.index === s.shndx)?.name ?? '';
  if (!v || (v.source === 'defined' && v.name === s.name)) return s.name;
  if (v.source === 'needed') return `${s.name}@${v.name}`;
  return `${s.name}${v.hidden ? '@' : '@@'}${v.name}`;
}

let relocationsCompared = 0;
/** Files where readelf showed each kind of data, so a pass is not a comparison of empty lists. */
const coverage = { needed: 0, verneed: 0, verdef: 0, interpreter: 0, paths: 0 };

interface Mismatch {
  file: string;
  what: string;
  ours: unknown;
  readelf: unknown;
}

async function compareFile(file: string, withSymbols: boolean, mismatches: Mismatch[]): Promise<void> {
  const elf = withFile(file, (src) => parseElf(src, { relocations: withSymbols }));
  const stripped = elf.sections.length === 0;
  const dyn = parseReadelfDynamic(await readelf(['-W', '-d', '-V', '-l'], file));
  const mine = ours(elf);
  // readelf -V needs the version sections; a section-stripped file is compared without them (see the unit test).
  if (stripped) {
    mine.verneed = [];
    mine.verdef = [];
  }
  if (dyn.needed.length > 0) coverage.needed++;
  if (dyn.verneed.length > 0) coverage.verneed++;
  if (dyn.verdef.length > 0) coverage.verdef++;
  if (dyn.interpreter !== null) coverage.interpreter++;
  if (dyn.runpath !== null || dyn.rpath !== null) coverage.paths++;
  for (const k of Object.keys(dyn) as (keyof ReadelfDynamic)[]) {
    if (JSON.stringify(mine[k]) !== JSON.stringify(dyn[k])) mismatches.push({ file, what: k, ours: mine[k], readelf: dyn[k] });
  }
  if (!withSymbols) return;
  const labels = elf.dynamicSymbols.map((s) => symbolLabel(s, elf));
  if (!stripped) {
    const syms = parseReadelfSymbols(await readelf(['-W', '--dyn-syms'], file));
    if ((syms.count ?? 0) !== elf.dynamicSymbols.length) mismatches.push({ file, what: 'dynsym count', ours: elf.dynamicSymbols.length, readelf: syms.count });
    else if (JSON.stringify(labels) !== JSON.stringify(syms.names)) {
      const i = labels.findIndex((l, k) => l !== syms.names[k]);
      mismatches.push({ file, what: `dynsym ${i}`, ours: labels[i], readelf: syms.names[i] });
    }
  }
  if (!stripped && elf.relocations.length > 0) {
    // Our tables come from the dynamic tags, readelf's from sections: compare each table with the
    // readelf sections that lie inside its file range, in order.
    const theirs = parseReadelfRelocs(await readelf(['-W', '-r'], file), elf.header.class === 64);
    for (const table of elf.relocations) {
      const inside = theirs.filter((r) => r.offset >= table.offset && r.offset < table.offset + table.length);
      const expected = inside.flatMap((r) => r.entries);
      const got = (table.entries ?? []).map((e) => ({ offset: e.offset.toString(16), sym: e.symbolIndex, type: table.kind === 'relr' ? -1 : e.type }));
      if (expected.length !== table.count || JSON.stringify(got) !== JSON.stringify(expected)) {
        const i = got.findIndex((g, k) => JSON.stringify(g) !== JSON.stringify(expected[k]));
        mismatches.push({ file, what: `relocations ${table.name}`, ours: { count: table.count, first: got[i] }, readelf: { count: expected.length, first: expected[i] } });
      }
      relocationsCompared += got.length;
    }
  }
  if (elf.dynamic) {
    // -D: readelf counts from DT_HASH (else DT_GNU_HASH) and resolves versions through the dynamic tags.
    const d = parseReadelfSymbols(await readelf(['-W', '-D', '-s'], file));
    const hashCount = elf.symbolCounts.hash ?? elf.symbolCounts.gnuHash;
    if (d.count !== null && hashCount !== null && hashCount !== d.count) mismatches.push({ file, what: 'hash-derived count', ours: hashCount, readelf: d.count });
    if (stripped && JSON.stringify(labels) !== JSON.stringify(d.names)) mismatches.push({ file, what: 'dynsym (-D)', ours: labels, readelf: d.names });
  }
}

test('parseElf agrees with readelf on NEEDED, SONAME, RPATH/RUNPATH, PT_INTERP, verneed and dynamic symbols', async (t) => {
  toolPath('readelf');
  const fixtures = Object.values(elfFixtures());
  const system = systemElfFiles();
  assert.ok(system.length >= 1000, `expected 1000+ ELF files on this machine, found ${system.length}`);
  const mismatches: Mismatch[] = [];
  const work = [...fixtures.map((f) => ({ f, sym: true })), ...system.map((f, i) => ({ f, sym: i % SYMBOL_SAMPLE_EVERY === 0 }))];
  const started = Date.now();
  await pool(work, Math.max(2, Math.min(8, availableParallelism())), ({ f, sym }) => compareFile(f, sym, mismatches));
  const symbolFiles = work.filter((w) => w.sym).length;
  t.diagnostic(
    `compared ${work.length} ELF files with readelf (${fixtures.length} fixtures, ${system.length} system files); ` +
      `symbols and relocations compared on ${symbolFiles} (${relocationsCompared} relocations); ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  t.diagnostic(`readelf showed NEEDED in ${coverage.needed} files, verneed in ${coverage.verneed}, verdef in ${coverage.verdef}, PT_INTERP in ${coverage.interpreter}, RPATH/RUNPATH in ${coverage.paths}`);
  assert.ok(coverage.needed > 500 && coverage.verneed > 500 && coverage.interpreter > 100, 'the comparison covered too few files with dynamic data');
  const kinds = new Map<string, number>();
  for (const m of mismatches) kinds.set(m.what.replace(/ \d+$/, ''), (kinds.get(m.what.replace(/ \d+$/, '')) ?? 0) + 1);
  if (mismatches.length > 0) t.diagnostic(`mismatches by kind: ${JSON.stringify([...kinds])}`);
  assert.deepEqual(mismatches.slice(0, 20), []);
});
