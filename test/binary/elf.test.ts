/**
 * parseElf on the fixtures built from native/elf/: each test asserts what the
 * build guarantees (see test/fixtures/elf.ts).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { parseElf, type ElfFile } from '../../src/binary/elf/parse.ts';
import { bytesSource, withFile } from '../../src/binary/source.ts';
import { elfFixtures } from '../fixtures/elf.ts';

let fx: Record<string, string>;
const cache = new Map<string, ElfFile>();

function elf(name: string): ElfFile {
  let e = cache.get(name);
  if (!e) {
    const path = fx[name];
    assert.ok(path, `no fixture ${name}`);
    e = withFile(path, (src) => parseElf(src, { relocations: true }));
    cache.set(name, e);
  }
  return e;
}

function sym(e: ElfFile, name: string) {
  const s = e.dynamicSymbols.find((x) => x.name === name);
  assert.ok(s, `no dynamic symbol ${name}`);
  return s;
}

function needNames(e: ElfFile, file: string): string[] {
  return e.versionNeeds.find((n) => n.file === file)?.versions.map((v) => v.name) ?? [];
}

/** The SysV ELF hash (gABI ch. 5 "Hash Table"), which vna_hash / vd_hash hold. */
function elfHash(name: string): number {
  let h = 0;
  for (const c of Buffer.from(name)) {
    h = ((h << 4) + c) >>> 0;
    const g = h & 0xf0000000;
    if (g) h ^= g >>> 24;
    h = (h & ~g) >>> 0;
  }
  return h;
}

before(() => {
  fx = elfFixtures();
});

describe('header and architecture', () => {
  const cases: [string, 32 | 64, 'little' | 'big', number, string, string][] = [
    ['glibc-x86_64.so', 64, 'little', 62, 'Advanced Micro Devices X86-64', 'x86_64'],
    ['glibc-i686.so', 32, 'little', 3, 'Intel 80386', 'i386'],
    ['glibc-aarch64.so', 64, 'little', 183, 'AArch64', 'arm64'],
    ['x32.so', 32, 'little', 62, 'Advanced Micro Devices X86-64', 'x32'],
    ['cross-ppc64.so', 64, 'big', 21, 'PowerPC64', 'ppc64'],
    ['cross-ppc.so', 32, 'big', 20, 'PowerPC', 'ppc'],
    ['cross-ppc64le.so', 64, 'little', 21, 'PowerPC64', 'ppc64le'],
  ];
  for (const [name, cls, endian, machine, machineName, arch] of cases) {
    test(`reads ${name} as ELF${cls} ${endian}-endian ${arch}`, () => {
      const h = elf(name).header;
      assert.equal(h.class, cls);
      assert.equal(h.endianness, endian);
      assert.equal(h.machine, machine);
      assert.equal(h.machineName, machineName);
      assert.equal(h.arch, arch);
      assert.equal(h.typeName, 'DYN');
      assert.equal(h.osabiName, 'UNIX - System V');
    });
  }

  test('names a static executable EXEC with no interpreter and no dynamic section', () => {
    const e = elf('static-x86_64');
    assert.equal(e.header.typeName, 'EXEC');
    assert.equal(e.interpreter, null);
    assert.equal(e.dynamic, null);
    assert.deepEqual(e.dynamicSymbols, []);
    assert.ok(!e.programHeaders.some((p) => p.typeName === 'DYNAMIC' || p.typeName === 'INTERP'));
    assert.ok(e.programHeaders.some((p) => p.typeName === 'LOAD'));
    assert.deepEqual(e.anomalies, []);
  });
});

describe('glibc symbol versions', () => {
  test('finds the GLIBC_2.34 and GLIBC_2.36 needs of pthread_create and arc4random', () => {
    const e = elf('glibc-x86_64.so');
    assert.deepEqual(e.dynamic?.needed, ['libc.so.6']);
    assert.deepEqual(needNames(e, 'libc.so.6').sort(), ['GLIBC_2.2.5', 'GLIBC_2.34', 'GLIBC_2.36']);
    assert.deepEqual(sym(e, 'pthread_create').version, { name: 'GLIBC_2.34', hidden: false, source: 'needed', file: 'libc.so.6' });
    assert.deepEqual(sym(e, 'arc4random').version, { name: 'GLIBC_2.36', hidden: false, source: 'needed', file: 'libc.so.6' });
    assert.equal(sym(e, 'pthread_create').defined, false);
    assert.equal(sym(e, 'threads_start').version, null);
    assert.equal(sym(e, 'threads_start').typeName, 'FUNC');
    assert.equal(sym(e, 'threads_start').bindName, 'GLOBAL');
    assert.deepEqual(e.anomalies, []);
  });

  test('finds the same floors in the i386 and AArch64 builds', () => {
    for (const name of ['glibc-i686.so', 'glibc-aarch64.so']) {
      const e = elf(name);
      assert.equal(sym(e, 'pthread_create').version?.name, 'GLIBC_2.34', name);
      assert.equal(sym(e, 'arc4random').version?.name, 'GLIBC_2.36', name);
      assert.ok(needNames(e, 'libc.so.6').includes('GLIBC_2.36'), name);
    }
  });

  test('reads vna_other as the versym index that points at each need', () => {
    const e = elf('glibc-x86_64.so');
    const v = e.versionNeeds[0]!.versions.find((x) => x.name === 'GLIBC_2.34')!;
    assert.equal(v.hash, elfHash('GLIBC_2.34'));
    assert.equal(v.weak, false);
    assert.deepEqual(v.flagNames, []);
    assert.ok(v.index >= 2);
  });

  test('reads a musl shared object as NEEDED libc.so with no versions', () => {
    const e = elf('musl-x86_64.so');
    assert.deepEqual(e.dynamic?.needed, ['libc.so']);
    assert.deepEqual(e.versionNeeds, []);
    assert.ok(e.dynamicSymbols.every((s) => s.version === null));
    assert.equal(e.interpreter, null);
  });

  test('finds GLIBCXX, CXXABI and GCC versions in a C++ shared object', () => {
    const e = elf('cxx.so');
    assert.deepEqual(e.dynamic?.needed, ['libstdc++.so.6', 'libgcc_s.so.1', 'libc.so.6']);
    const cxx = needNames(e, 'libstdc++.so.6');
    assert.ok(cxx.includes('GLIBCXX_3.4.21'), cxx.join());
    assert.ok(cxx.includes('CXXABI_1.3'), cxx.join());
    assert.ok(cxx.some((v) => /^CXXABI_1\.3\.\d+$/.test(v)), cxx.join());
    assert.deepEqual(needNames(e, 'libgcc_s.so.1'), ['GCC_3.0']);
  });
});

describe('bundled dependency, RUNPATH and version definitions', () => {
  test('reads the SONAME and version definitions with their parents', () => {
    const e = elf('libdep.so.1');
    assert.equal(e.dynamic?.soname, 'libdep.so.1');
    assert.deepEqual(
      e.versionDefs.map((d) => [d.index, d.base, d.names]),
      [
        [1, true, ['libdep.so.1']],
        [2, false, ['DEP_1.0']],
        [3, false, ['DEP_2.0', 'DEP_1.0']],
        [4, false, ['DEP_3.0', 'DEP_2.0']],
      ],
    );
    assert.deepEqual(e.versionDefs[0]!.flagNames, ['BASE']);
    assert.deepEqual(sym(e, 'dep_new').version, { name: 'DEP_2.0', hidden: false, source: 'defined' });
    assert.equal(sym(e, 'dep_new').defined, true);
  });

  test('reads NEEDED, RUNPATH $ORIGIN and the needs on the bundled library', () => {
    const e = elf('libconsumer.so');
    assert.deepEqual(e.dynamic?.needed, ['libdep.so.1']);
    assert.equal(e.dynamic?.runpath, '$ORIGIN');
    assert.equal(e.dynamic?.rpath, null);
    assert.deepEqual(needNames(e, 'libdep.so.1').sort(), ['DEP_1.0', 'DEP_2.0', 'DEP_3.0']);
    assert.deepEqual(sym(e, 'dep_old').version, { name: 'DEP_1.0', hidden: false, source: 'needed', file: 'libdep.so.1' });
    assert.equal(sym(e, 'dep_weakref').bindName, 'WEAK');
  });

  test('reports VER_FLG_WEAK on a weak version need', () => {
    const e = elf('libconsumer-weak.so');
    const versions = e.versionNeeds[0]!.versions;
    assert.deepEqual(
      versions.map((v) => [v.name, v.weak, v.flagNames]),
      versions.map((v) => (v.name === 'DEP_3.0' ? ['DEP_3.0', true, ['WEAK']] : [v.name, false, []])),
    );
    assert.ok(versions.some((v) => v.weak));
  });

  test('reads DT_RPATH from a --disable-new-dtags build', () => {
    const e = elf('rpath.so');
    assert.equal(e.dynamic?.rpath, '/opt/distaudit/lib:$ORIGIN/../lib');
    assert.equal(e.dynamic?.runpath, null);
  });

  test('reads the big-endian needs and definitions of the PowerPC builds', () => {
    for (const arch of ['ppc64', 'ppc', 'ppc64le']) {
      const e = elf(`cross-${arch}.so`);
      assert.deepEqual(e.dynamic?.needed, ['libstub.so.1'], arch);
      assert.equal(e.dynamic?.soname, `libcross-${arch}.so`, arch);
      assert.deepEqual(needNames(e, 'libstub.so.1'), ['STUB_1.0', 'STUB_2.0'], arch);
      assert.deepEqual(e.versionDefs.map((d) => d.names[0]), [`libcross-${arch}.so`, 'CROSS_1.0'], arch);
      assert.deepEqual(sym(e, 'stub_new').version, { name: 'STUB_2.0', hidden: false, source: 'needed', file: 'libstub.so.1' }, arch);
      assert.deepEqual(sym(e, 'cross_entry').version, { name: 'CROSS_1.0', hidden: false, source: 'defined' }, arch);
      assert.equal(e.symbolCounts.hash, e.symbolCounts.section, arch);
      assert.equal(e.symbolCounts.gnuHash, e.symbolCounts.section, arch);
      assert.deepEqual(e.anomalies, [], arch);
    }
    // ld.lld 14 writes no parent (vd_cnt 1) for `STUB_2.0 { … } STUB_1.0;`, unlike GNU ld (see libdep.so.1).
    const stub = elf('libstub-ppc64.so');
    assert.deepEqual(stub.versionDefs.map((d) => d.names), [['libstub.so.1'], ['STUB_1.0'], ['STUB_2.0']]);
  });
});

describe('executables, notes and hardening', () => {
  test('reads PT_INTERP, the ABI tag and the build id of a glibc executable', () => {
    const e = elf('hello-x86_64');
    assert.equal(e.interpreter, '/lib64/ld-linux-x86-64.so.2');
    assert.deepEqual(e.abiTag, { os: 'Linux', version: '3.2.0' });
    assert.match(e.buildId ?? '', /^[0-9a-f]{40}$/);
    assert.ok(e.dynamic?.flags1Names.includes('PIE'));
    const tag = e.notes.find((n) => n.typeName === 'NT_GNU_ABI_TAG');
    assert.equal(tag?.name, 'GNU');
    assert.equal(tag?.desc.length, 16);
  });

  test('finds the build id bytes at the note descriptor range', () => {
    const e = elf('glibc-x86_64.so');
    const note = e.notes.find((n) => n.typeName === 'NT_GNU_BUILD_ID')!;
    const bytes = readFileSync(fx['glibc-x86_64.so']!);
    assert.equal(bytes.subarray(note.desc.offset, note.desc.offset + note.desc.length).toString('hex'), e.buildId);
  });

  test('reports an executable stack only for -z execstack', () => {
    assert.deepEqual(elf('execstack.so').gnuStack, { executable: true });
    assert.deepEqual(elf('glibc-x86_64.so').gnuStack, { executable: false });
  });

  test('reads the x86-64-v3 ISA level from the GNU property note', () => {
    const p = elf('isa-v3.so').gnuProperties;
    assert.deepEqual(p?.x86IsaNeeded, ['x86-64-v3']);
    assert.ok(elf('isa-v3.so').programHeaders.some((h) => h.typeName === 'GNU_PROPERTY'));
    assert.equal(p?.properties.find((x) => x.typeName === 'GNU_PROPERTY_X86_ISA_1_NEEDED')?.value, 0x4);
  });

  test('reads the CET (IBT, SHSTK) and AArch64 (BTI, PAC) features', () => {
    assert.deepEqual(elf('cet.so').gnuProperties?.x86Features, ['IBT', 'SHSTK']);
    assert.deepEqual(elf('glibc-aarch64.so').gnuProperties?.aarch64Features, ['BTI', 'PAC']);
    assert.equal(elf('glibc-x86_64.so').gnuProperties, null);
  });
});

describe('dynamic symbol counts', () => {
  test('counts the same symbols from the section, DT_HASH and DT_GNU_HASH', () => {
    const both = elf('hash-both.so');
    assert.equal(both.symbolCountSource, 'section');
    assert.ok((both.symbolCounts.section ?? 0) > 40);
    assert.equal(both.symbolCounts.hash, both.symbolCounts.section);
    assert.equal(both.symbolCounts.gnuHash, both.symbolCounts.section);
    assert.equal(elf('hash-sysv.so').symbolCounts.gnuHash, null);
    assert.equal(elf('hash-sysv.so').symbolCounts.hash, elf('hash-sysv.so').symbolCounts.section);
    assert.equal(elf('hash-gnu.so').symbolCounts.hash, null);
    assert.equal(elf('hash-gnu.so').symbolCounts.gnuHash, elf('hash-gnu.so').symbolCounts.section);
  });

  for (const [stripped, full, source] of [
    ['hash-sysv-stripped.so', 'hash-sysv.so', 'DT_HASH'],
    ['hash-gnu-stripped.so', 'hash-gnu.so', 'DT_GNU_HASH'],
  ] as const) {
    test(`reads every symbol of a section-stripped file through ${source}`, () => {
      const s = elf(stripped);
      const f = elf(full);
      assert.deepEqual(s.sections, []);
      assert.equal(s.symbolCountSource, source);
      assert.equal(s.dynamicSymbols.length, f.dynamicSymbols.length);
      assert.deepEqual(
        s.dynamicSymbols.map((x) => [x.name, x.version?.name ?? null]),
        f.dynamicSymbols.map((x) => [x.name, x.version?.name ?? null]),
      );
      assert.deepEqual(s.versionNeeds, f.versionNeeds);
      assert.deepEqual(s.dynamic?.needed, f.dynamic?.needed);
      assert.equal(s.buildId, f.buildId);
      assert.deepEqual(s.anomalies, []);
    });
  }
});

describe('relocations', () => {
  test('summarises the dynamic relocation tables and names PLT slots', () => {
    const e = elf('glibc-x86_64.so');
    assert.deepEqual(
      e.relocations.map((r) => [r.name, r.kind]),
      [
        ['RELA', 'rela'],
        ['JMPREL', 'rela'],
      ],
    );
    const plt = e.relocations.find((r) => r.name === 'JMPREL')!;
    const slots = plt.entries!.map((r) => [r.symbol, r.typeName, r.category]);
    assert.deepEqual(
      slots.filter(([s]) => s === 'pthread_create' || s === 'arc4random').sort(),
      [
        ['arc4random', 'R_X86_64_JUMP_SLOT', 'jump-slot'],
        ['pthread_create', 'R_X86_64_JUMP_SLOT', 'jump-slot'],
      ],
    );
    assert.equal(plt.count, plt.entries!.length);
  });

  test('reads REL tables in a 32-bit file', () => {
    const e = elf('glibc-i686.so');
    assert.ok(e.relocations.every((r) => r.kind === 'rel' && r.entsize === 8));
    assert.ok(e.relocations.flatMap((r) => r.entries!).some((r) => r.typeName === 'R_386_RELATIVE' && r.addend === null));
  });

  test('decodes DT_RELR into relative relocations', () => {
    const e = elf('relr.so');
    const relr = e.relocations.find((r) => r.kind === 'relr')!;
    assert.ok(relr.count >= 3);
    assert.equal(relr.entries!.length, relr.count);
    assert.ok(relr.entries!.every((r) => r.typeName === 'R_X86_64_RELATIVE' && r.category === 'relative'));
    const table = sym(e, 'relr_table');
    for (let i = 0; i < 3; i++) assert.ok(relr.entries!.some((r) => r.offset === table.value + 8 * i), `relr_table[${i}]`);
  });

  test('finds a copy relocation of library data in a non-PIE executable', () => {
    const e = elf('copyreloc-x86_64');
    assert.equal(e.header.typeName, 'EXEC');
    const copy = e.relocations.flatMap((r) => r.entries!).filter((r) => r.category === 'copy');
    assert.deepEqual(copy.map((r) => [r.symbol, r.typeName]), [['dep_counter', 'R_X86_64_COPY']]);
    // The copied symbol is defined in the executable yet bound to the library's version.
    assert.deepEqual(sym(e, 'dep_counter').version, { name: 'DEP_1.0', hidden: false, source: 'needed', file: 'libdep.so.1' });
    assert.equal(sym(e, 'dep_counter').defined, true);
  });

  test('finds the IRELATIVE relocation of an IFUNC', () => {
    const rel = elf('ifunc.so').relocations.flatMap((r) => r.entries!);
    assert.deepEqual(rel.filter((r) => r.category === 'irelative').map((r) => r.typeName), ['R_X86_64_IRELATIVE']);
  });

  test('reports text relocations of non-PIC i386 code', () => {
    const e = elf('textrel-i686.so');
    assert.equal(e.dynamic?.textrel, true);
    assert.deepEqual(e.dynamic?.flagNames, ['TEXTREL']);
    assert.ok(e.relocations.flatMap((r) => r.entries!).some((r) => r.typeName === 'R_386_32' && r.symbol === 'textrel_value'));
    assert.equal(elf('glibc-i686.so').dynamic?.textrel, false);
  });

  test('leaves entries out unless asked for them', () => {
    const e = withFile(fx['glibc-x86_64.so']!, (src) => parseElf(src));
    assert.ok(e.relocations.length > 0);
    assert.ok(e.relocations.every((r) => r.entries === undefined));
  });
});

describe('results', () => {
  test('are plain JSON data, the same from a file as from memory', () => {
    for (const name of Object.keys(fx)) {
      const e = elf(name);
      assert.deepEqual(JSON.parse(JSON.stringify(e)), e, name);
      const bytes = readFileSync(fx[name]!);
      // A subarray with a non-zero byteOffset: reads must stay inside it.
      const padded = Buffer.concat([Buffer.alloc(7, 0xee), bytes, Buffer.alloc(9, 0xee)]);
      const inner = padded.subarray(7, 7 + bytes.length);
      assert.deepEqual(parseElf(bytesSource(inner), { relocations: true }), e, name);
    }
  });

  test('have no anomalies for any fixture', () => {
    for (const name of Object.keys(fx)) assert.deepEqual(elf(name).anomalies, [], name);
  });
});
