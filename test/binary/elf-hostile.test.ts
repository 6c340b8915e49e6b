/**
 * Hostile ELF files: fixtures patched in memory so one structure lies. Each
 * must give a BinaryParseError or a result with the matching anomaly, quickly,
 * and never any other exception. Structures are located through the
 * unmodified file's section headers (whose offsets the differential test
 * checks against readelf).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { parseElf, type ElfFile } from '../../src/binary/elf/parse.ts';
import { BinaryParseError } from '../../src/binary/errors.ts';
import { bytesSource } from '../../src/binary/source.ts';
import { elfFixtures } from '../fixtures/elf.ts';

let fx: Record<string, string>;
before(() => {
  fx = elfFixtures();
});

/** A fresh copy of a fixture and its clean parse. */
function load(name: string): { buf: Buffer; elf: ElfFile } {
  const buf = Buffer.from(readFileSync(fx[name]!));
  return { buf, elf: parseElf(bytesSource(buf)) };
}

const SLOW_MS = 100;

/** Parses hostile bytes: a BinaryParseError or a result, fast; anything else fails the test. */
function hostile(buf: Uint8Array): ElfFile | BinaryParseError {
  const t0 = performance.now();
  let out: ElfFile | BinaryParseError;
  try {
    out = parseElf(bytesSource(buf), { relocations: true });
    JSON.stringify(out);
  } catch (e) {
    if (!(e instanceof BinaryParseError)) throw e;
    out = e;
  }
  const ms = performance.now() - t0;
  assert.ok(ms < SLOW_MS, `parse took ${ms.toFixed(1)} ms`);
  return out;
}

/** The result must carry an anomaly whose code starts with `code`. */
function expectAnomaly(buf: Uint8Array, code: string): ElfFile {
  const r = hostile(buf);
  assert.ok(!(r instanceof BinaryParseError), `expected a result with ${code}, got ${r instanceof Error ? r.message : ''}`);
  assert.ok(
    r.anomalies.some((a) => a.code.startsWith(code)),
    `expected anomaly ${code}, got ${JSON.stringify(r.anomalies.map((a) => a.code))}`,
  );
  return r;
}

function section(e: ElfFile, name: string) {
  const s = e.sections.find((x) => x.name === name);
  assert.ok(s, `no section ${name}`);
  return s;
}

/** File offset of the first dynamic entry with `tag` (ELF64 LE fixtures). */
function dynEntryAt(e: ElfFile, tag: number): number {
  const i = e.dynamic!.entries.findIndex((x) => x.tag === tag);
  assert.ok(i >= 0, `no dynamic tag ${tag}`);
  return e.dynamic!.offset + 16 * i;
}

describe('version need chains', () => {
  test('stops at vn_next 0 before VERNEEDNUM entries', () => {
    const { buf, elf } = load('cxx.so');
    assert.equal(elf.versionNeeds.length, 3);
    const at = section(elf, '.gnu.version_r').offset;
    buf.writeUInt32LE(0, at + 12);
    const r = expectAnomaly(buf, 'elf.verneed.loop');
    assert.equal(r.versionNeeds.length, 1);
  });

  test('rejects vn_next pointing back to an earlier entry', () => {
    const { buf, elf } = load('cxx.so');
    const at = section(elf, '.gnu.version_r').offset;
    const second = at + buf.readUInt32LE(at + 12);
    // In 32-bit arithmetic this lands on the first entry again.
    buf.writeUInt32LE((0x100000000 - (second - at)) >>> 0, second + 12);
    const r = expectAnomaly(buf, 'elf.verneed.range');
    assert.equal(r.versionNeeds.length, 2);
  });

  test('stops at vna_next 0 before vn_cnt entries', () => {
    const { buf, elf } = load('cxx.so');
    const at = section(elf, '.gnu.version_r').offset;
    buf.writeUInt32LE(0, at + buf.readUInt32LE(at + 8) + 12); // first vernaux of the first verneed
    buf.writeUInt16LE(3, at + 2); // vn_cnt 3 where the chain now ends after one
    expectAnomaly(buf, 'elf.verneed.aux-loop');
  });

  test('rejects vna_next pointing backwards', () => {
    const { buf, elf } = load('glibc-x86_64.so');
    const at = section(elf, '.gnu.version_r').offset;
    const aux = at + buf.readUInt32LE(at + 8);
    buf.writeUInt32LE(0xfffffff0, aux + 12);
    expectAnomaly(buf, 'elf.verneed.aux-range');
  });

  test('stops when verneed entries share one vernaux chain beyond what the table holds', () => {
    const { buf, elf } = load('cxx.so');
    const sec = section(elf, '.gnu.version_r');
    const entries: number[] = [];
    for (let at = sec.offset, i = 0; i < 3; i++, at += buf.readUInt32LE(at + 12)) entries.push(at);
    const longest = entries.reduce((a, b) => (buf.readUInt16LE(b + 2) > buf.readUInt16LE(a + 2) ? b : a));
    const chain = longest + buf.readUInt32LE(longest + 8);
    for (const at of entries) {
      buf.writeUInt16LE(buf.readUInt16LE(longest + 2), at + 2);
      buf.writeUInt32LE(chain - at, at + 8);
    }
    assert.ok(3 * buf.readUInt16LE(longest + 2) > sec.size / 16);
    expectAnomaly(buf, 'elf.verneed.aux-alias');
  });

  test('caps a VERNEEDNUM far beyond the table', () => {
    const { buf, elf } = load('glibc-x86_64.so');
    buf.writeUInt32LE(0xffffffff, dynEntryAt(elf, 0x6fffffff) + 8);
    const r = expectAnomaly(buf, 'elf.verneed');
    assert.equal(r.versionNeeds.length, 1);
  });
});

describe('version definition chains', () => {
  test('stops at vd_next 0 before VERDEFNUM entries', () => {
    const { buf, elf } = load('libdep.so.1');
    buf.writeUInt32LE(0, section(elf, '.gnu.version_d').offset + 16);
    const r = expectAnomaly(buf, 'elf.verdef.loop');
    assert.equal(r.versionDefs.length, 1);
  });

  test('rejects vd_next pointing back to an earlier entry', () => {
    const { buf, elf } = load('libdep.so.1');
    const at = section(elf, '.gnu.version_d').offset;
    const second = at + buf.readUInt32LE(at + 16);
    buf.writeUInt32LE((0x100000000 - (second - at)) >>> 0, second + 16);
    expectAnomaly(buf, 'elf.verdef.range');
  });

  test('stops at vda_next 0 before vd_cnt names', () => {
    const { buf, elf } = load('libdep.so.1');
    let at = section(elf, '.gnu.version_d').offset;
    at += buf.readUInt32LE(at + 16); // DEP_1.0
    at += buf.readUInt32LE(at + 16); // DEP_2.0: cnt 2 (itself and DEP_1.0)
    assert.equal(buf.readUInt16LE(at + 6), 2);
    buf.writeUInt32LE(0, at + buf.readUInt32LE(at + 12) + 4);
    expectAnomaly(buf, 'elf.verdef.aux-loop');
  });
});

describe('header counts and section headers', () => {
  test('reports a section header table beyond the file (e_shnum)', () => {
    const { buf } = load('glibc-x86_64.so');
    buf.writeUInt16LE(0x7fff, 60);
    const r = expectAnomaly(buf, 'elf.shdr');
    assert.deepEqual(r.sections, []);
    assert.deepEqual(r.dynamic?.needed, ['libc.so.6']); // the loader's view survives
  });

  test('reports a program header table beyond the file (e_phnum)', () => {
    const { buf } = load('glibc-x86_64.so');
    buf.writeUInt16LE(0xfffe, 56);
    const r = expectAnomaly(buf, 'elf.phdr');
    assert.deepEqual(r.programHeaders, []);
  });

  test('reports e_phnum = PN_XNUM with a small count in section 0', () => {
    const { buf } = load('glibc-x86_64.so');
    buf.writeUInt16LE(0xffff, 56);
    expectAnomaly(buf, 'elf.phnum');
  });

  test('reports section headers that start near the end of the file', () => {
    const { buf } = load('glibc-x86_64.so');
    buf.writeBigUInt64LE(BigInt(buf.length - 10), 40);
    expectAnomaly(buf, 'elf.shdr');
  });

  test('reports an e_phentsize smaller than a program header', () => {
    const { buf } = load('glibc-x86_64.so');
    buf.writeUInt16LE(8, 54);
    expectAnomaly(buf, 'elf.phdr');
  });

  test('reports e_shstrndx out of range', () => {
    const { buf } = load('glibc-x86_64.so');
    buf.writeUInt16LE(0x7777, 62);
    const r = expectAnomaly(buf, 'elf.shstrndx');
    assert.ok(r.sections.length > 0);
    assert.ok(r.sections.every((s) => s.name === ''));
  });

  test('reads extended numbering (e_shnum 0, SHN_XINDEX, PN_XNUM) from section 0', () => {
    const { buf, elf } = load('glibc-x86_64.so');
    const shoff = Number(buf.readBigUInt64LE(40));
    buf.writeBigUInt64LE(BigInt(buf.readUInt16LE(60)), shoff + 32); // sh_size = shnum
    buf.writeUInt32LE(buf.readUInt16LE(62), shoff + 40); // sh_link = shstrndx
    buf.writeUInt32LE(buf.readUInt16LE(56), shoff + 44); // sh_info = phnum
    buf.writeUInt16LE(0, 60);
    buf.writeUInt16LE(0xffff, 62);
    buf.writeUInt16LE(0xffff, 56);
    const r = hostile(buf);
    assert.ok(!(r instanceof BinaryParseError));
    assert.equal(r.programHeaders.length, elf.programHeaders.length);
    assert.deepEqual(
      r.sections.slice(1).map((s) => s.name),
      elf.sections.slice(1).map((s) => s.name),
    );
    assert.deepEqual(r.versionNeeds, elf.versionNeeds);
    // phnum 9 < PN_XNUM: legal to decode, flagged as an odd encoding.
    assert.deepEqual(
      r.anomalies.map((a) => a.code),
      ['elf.phnum'],
    );
  });
});

describe('strings and the dynamic section', () => {
  test('reports a DT_NEEDED offset outside the string table', () => {
    const { buf, elf } = load('glibc-x86_64.so');
    buf.writeBigUInt64LE(0x7fffffffn, dynEntryAt(elf, 1) + 8);
    const r = expectAnomaly(buf, 'elf.dynamic.string');
    assert.deepEqual(r.dynamic?.needed, []);
  });

  test('reports symbol and version names outside the string table', () => {
    const { buf, elf } = load('glibc-x86_64.so');
    buf.writeUInt32LE(0x7fffffff, section(elf, '.dynsym').offset + 24); // st_name of symbol 1
    const vr = section(elf, '.gnu.version_r').offset;
    buf.writeUInt32LE(0x7ffffff0, vr + buf.readUInt32LE(vr + 8) + 8); // vna_name of the first need
    const r = expectAnomaly(buf, 'elf.dynsym.name');
    assert.ok(r.anomalies.some((a) => a.code === 'elf.vernaux.name'));
    assert.equal(r.dynamicSymbols[1]!.name, '');
  });

  test('reports a DT_STRTAB that no PT_LOAD maps', () => {
    const { buf, elf } = load('hash-gnu-stripped.so');
    buf.writeBigUInt64LE(0x7fff0000n, dynEntryAt(elf, 5) + 8);
    const r = expectAnomaly(buf, 'elf.dynstr');
    assert.deepEqual(r.dynamic?.needed, []);
  });

  test('reports a dynamic table without DT_NULL', () => {
    const { buf, elf } = load('glibc-x86_64.so');
    const seg = elf.programHeaders.find((p) => p.typeName === 'DYNAMIC')!;
    for (let o = seg.offset; o + 16 <= seg.offset + seg.filesz; o += 16) {
      if (buf.readBigInt64LE(o) === 0n) buf.writeBigInt64LE(21n, o); // DT_DEBUG
    }
    const r = expectAnomaly(buf, 'elf.dynamic.unterminated');
    assert.deepEqual(r.dynamic?.needed, ['libc.so.6']);
  });

  test('reports a note with namesz 0xffffffff', () => {
    const { buf, elf } = load('glibc-x86_64.so');
    const note = elf.programHeaders.find((p) => p.typeName === 'NOTE')!;
    buf.writeUInt32LE(0xffffffff, note.offset);
    const r = expectAnomaly(buf, 'elf.note.range');
    assert.equal(r.buildId, null);
  });
});

/**
 * A hand-made ELF64 LE shared object: one PT_LOAD mapping the whole file at
 * vaddr 0 (so vaddr = offset), PT_DYNAMIC at 0x100 with `dyn` (DT_NULL added),
 * and whatever `fill` writes from 0x300 on.
 */
function craft(size: number, dyn: [number, number][], fill: (buf: Buffer) => void): Buffer {
  const buf = Buffer.alloc(size);
  buf.write('\x7fELF', 0, 'latin1');
  buf[4] = 2; // ELFCLASS64
  buf[5] = 1; // ELFDATA2LSB
  buf[6] = 1;
  buf.writeUInt16LE(3, 16); // ET_DYN
  buf.writeUInt16LE(62, 18); // EM_X86_64
  buf.writeUInt32LE(1, 20);
  buf.writeBigUInt64LE(64n, 32); // e_phoff
  buf.writeUInt16LE(64, 52);
  buf.writeUInt16LE(56, 54);
  buf.writeUInt16LE(2, 56);
  const phdr = (at: number, type: number, offset: number, filesz: number) => {
    buf.writeUInt32LE(type, at);
    buf.writeUInt32LE(4, at + 4);
    buf.writeBigUInt64LE(BigInt(offset), at + 8);
    buf.writeBigUInt64LE(BigInt(offset), at + 16);
    buf.writeBigUInt64LE(BigInt(offset), at + 24);
    buf.writeBigUInt64LE(BigInt(filesz), at + 32);
    buf.writeBigUInt64LE(BigInt(filesz), at + 40);
  };
  phdr(64, 1, 0, size); // PT_LOAD
  phdr(120, 2, 0x100, 16 * (dyn.length + 1)); // PT_DYNAMIC
  dyn.forEach(([tag, value], i) => {
    buf.writeBigUInt64LE(BigInt(tag), 0x100 + 16 * i);
    buf.writeBigUInt64LE(BigInt(value), 0x108 + 16 * i);
  });
  fill(buf);
  return buf;
}

describe('amplification', () => {
  test('stops many symbols that all name one 64 KiB string before the result explodes', () => {
    const n = 5000;
    const hash = 0x300;
    const symtab = hash + 8 + 4 * (1 + n);
    const strtab = symtab + 24 * n;
    const strsz = 65536;
    const buf = craft(strtab + strsz, [[4, hash], [6, symtab], [11, 24], [5, strtab], [10, strsz]], (b) => {
      b.writeUInt32LE(1, hash); // nbucket
      b.writeUInt32LE(n, hash + 4); // nchain = symbol count
      for (let i = 1; i < n; i++) b.writeUInt32LE(1, symtab + 24 * i); // st_name: the same long string
      b.fill(0x41, strtab + 1, strtab + strsz - 1);
    });
    const r = hostile(buf);
    if (r instanceof BinaryParseError) assert.equal(r.reason, 'work budget exceeded');
    else assert.ok(JSON.stringify(r).length < 64 * buf.length, 'result much larger than the input');
  });

  test('reads a hand-made file whose tables are all found through the dynamic section', () => {
    const hash = 0x300;
    const symtab = 0x320;
    const strtab = 0x380;
    const buf = craft(0x400, [[1, 1], [14, 11], [4, hash], [6, symtab], [11, 24], [5, strtab], [10, 0x20]], (b) => {
      b.writeUInt32LE(1, hash);
      b.writeUInt32LE(2, hash + 4);
      b.writeUInt32LE(19, symtab + 24); // st_name of 'hello'
      b[symtab + 24 + 4] = 0x12; // GLOBAL FUNC
      b.writeUInt16LE(1, symtab + 24 + 6);
      b.write('\0libc.so.6\0libx.so\0hello\0', strtab, 'latin1');
    });
    const r = hostile(buf);
    assert.ok(!(r instanceof BinaryParseError));
    assert.deepEqual(r.dynamic?.needed, ['libc.so.6']);
    assert.equal(r.dynamic?.soname, 'libx.so');
    assert.equal(r.symbolCountSource, 'DT_HASH');
    assert.deepEqual(
      r.dynamicSymbols.map((x) => [x.name, x.typeName, x.bindName, x.defined]),
      [
        ['', 'NOTYPE', 'LOCAL', false],
        ['hello', 'FUNC', 'GLOBAL', true],
      ],
    );
    assert.deepEqual(r.anomalies, []);
  });
});

describe('hash tables', () => {
  test('rejects DT_HASH with nchain 0xffffffff', () => {
    const { buf, elf } = load('hash-sysv-stripped.so');
    const hash = elf.dynamic!.entries.find((x) => x.tag === 4)!.value; // vaddr = offset in these fixtures' first segment
    buf.writeUInt32LE(0xffffffff, hash + 4);
    const r = expectAnomaly(buf, 'elf.hash');
    assert.deepEqual(r.dynamicSymbols, []);
    assert.ok(r.anomalies.some((a) => a.code === 'elf.dynsym.count'));
  });

  const gnuHash = (mutate: (buf: Buffer, at: number, segmentEnd: number) => void) => {
    const { buf, elf } = load('hash-gnu-stripped.so');
    const at = elf.dynamic!.entries.find((x) => x.tag === 0x6ffffef5)!.value;
    const first = elf.programHeaders.find((p) => p.typeName === 'LOAD')!;
    mutate(buf, at, first.offset + first.filesz);
    return expectAnomaly(buf, 'elf.gnu-hash');
  };

  test('rejects DT_GNU_HASH with symoffset above every bucket', () => {
    gnuHash((buf, at) => buf.writeUInt32LE(0x7fffffff, at + 4));
  });

  test('rejects DT_GNU_HASH with a bucket pointing beyond the chains', () => {
    gnuHash((buf, at) => {
      const bucketsAt = at + 16 + 8 * buf.readUInt32LE(at + 8);
      buf.writeUInt32LE(0x7fffffff, bucketsAt);
    });
  });

  test('rejects DT_GNU_HASH with a bloom filter beyond the table', () => {
    gnuHash((buf, at) => buf.writeUInt32LE(0x7fffffff, at + 8));
  });

  test('rejects DT_GNU_HASH whose last chain never ends', () => {
    gnuHash((buf, at, segmentEnd) => {
      const nbuckets = buf.readUInt32LE(at);
      const chainsAt = at + 16 + 8 * buf.readUInt32LE(at + 8) + 4 * nbuckets;
      // Clear the end-of-chain bit in every word up to the end of the segment that holds the table.
      for (let o = chainsAt; o + 4 <= segmentEnd; o += 4) buf.writeUInt32LE((buf.readUInt32LE(o) & ~1) >>> 0, o);
    });
  });
});

describe('relocations', () => {
  test('lists no more RELR relocations than the loaded segments have words', () => {
    const { buf, elf } = load('relr.so');
    const relr = elf.relocations.find((r) => r.kind === 'relr')!;
    // Bitmaps over the rest of the segment that holds the table: 63 relocations per 8 bytes.
    const seg = elf.programHeaders.find((p) => p.typeName === 'LOAD' && p.offset <= relr.offset && relr.offset < p.offset + p.filesz)!;
    const size = (seg.offset + seg.filesz - relr.offset) & ~7;
    buf.writeBigUInt64LE(BigInt(size), dynEntryAt(elf, 35) + 8); // DT_RELRSZ
    buf.writeBigUInt64LE(0x1000n, relr.offset); // an address word, then all-ones bitmaps
    for (let o = relr.offset + 8; o < relr.offset + size; o += 8) buf.writeBigUInt64LE(0xffffffffffffffffn, o);
    const r = expectAnomaly(buf, 'elf.relr.count');
    const loaded = r.programHeaders.filter((p) => p.typeName === 'LOAD').reduce((n, p) => n + p.filesz, 0);
    const table = r.relocations.find((x) => x.kind === 'relr')!;
    assert.ok(table.count > loaded / 8);
    assert.ok(table.entries!.length <= loaded / 8);
  });

  test('reports a relocation table that no PT_LOAD maps', () => {
    const { buf, elf } = load('glibc-x86_64.so');
    buf.writeBigUInt64LE(0x7fff0000n, dynEntryAt(elf, 7) + 8); // DT_RELA
    const r = expectAnomaly(buf, 'elf.reloc.rela');
    assert.ok(r.relocations.some((x) => x.name === 'JMPREL'));
  });
});

describe('truncated files', () => {
  for (const name of ['glibc-x86_64.so', 'glibc-i686.so', 'cross-ppc64.so', 'hash-gnu-stripped.so']) {
    test(`gives an error or an anomaly for ${name} cut at every header and table boundary`, () => {
      const { buf, elf } = load(name);
      const cuts = new Set<number>();
      for (let i = 0; i <= 64; i++) cuts.add(i);
      const h = elf.header;
      for (let i = 0; i <= h.phnum; i++) cuts.add(h.phoff + i * h.phentsize - 1).add(h.phoff + i * h.phentsize);
      for (let i = 0; i <= h.shnum; i++) cuts.add(h.shoff + i * h.shentsize - 1).add(h.shoff + i * h.shentsize);
      for (const s of elf.sections) cuts.add(s.offset).add(s.offset + s.size - 1);
      for (const p of elf.programHeaders) cuts.add(p.offset).add(p.offset + p.filesz - 1);
      let checked = 0;
      for (const cut of [...cuts].filter((c) => c >= 0 && c < buf.length).sort((a, b) => a - b)) {
        const r = hostile(buf.subarray(0, cut));
        if (r instanceof BinaryParseError) {
          assert.equal(r.format, 'elf');
        } else {
          assert.ok(r.anomalies.length > 0, `cut at ${cut} of ${buf.length}: no anomaly`);
        }
        checked++;
      }
      assert.ok(checked > 40, `${checked} cuts`);
    });
  }

  test('throws BinaryParseError for files that are not ELF or have a bad class', () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from('\x7fELF'), Buffer.from('MZ\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0'), Buffer.from('\x7fELF\x03\x01\x01\0\0\0\0\0\0\0\0\0')]) {
      assert.throws(() => parseElf(bytesSource(bytes)), BinaryParseError);
    }
  });
});
