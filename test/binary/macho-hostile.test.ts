/**
 * Hostile hand-made Mach-O files: each is a typed BinaryParseError or an
 * anomaly beside a partial result — fast, and without allocations sized by a
 * header field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BinaryParseError } from '../../src/binary/errors.ts';
import { bytesSource } from '../../src/binary/source.ts';
import { parseMachO, type MachOFile } from '../../src/binary/macho/parse.ts';
import { machoFixtures } from '../fixtures/macho.ts';
import { DATA_AT, blob, codeDirectory, dylibPayload, fat, lc, machO64, nlist64, superBlob, u32le } from './macho-builders.ts';

const LC_SYMTAB = 0x2;
const LC_UUID = 0x1b;
const LC_LOAD_DYLIB = 0xc;
const LC_RPATH = 0x8000001c;
const LC_CODE_SIGNATURE = 0x1d;

/** Parses, requiring it to finish fast and without a large heap increase; returns the result or the error. */
function parse(bytes: Buffer): MachOFile | BinaryParseError {
  const heap = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let out: MachOFile | BinaryParseError;
  try {
    out = parseMachO(bytesSource(bytes));
  } catch (e) {
    if (!(e instanceof BinaryParseError)) throw e;
    out = e;
  }
  const ms = performance.now() - t0;
  assert.ok(ms < 500, `parse took ${ms.toFixed(0)} ms`);
  assert.ok(process.memoryUsage().heapUsed - heap < 64 << 20, 'parse allocated more than 64 MB');
  return out;
}

function anomalies(bytes: Buffer): { file: MachOFile; codes: string[] } {
  const r = parse(bytes);
  assert.ok(!(r instanceof BinaryParseError), `expected a partial result, got ${r instanceof BinaryParseError ? r.message : ''}`);
  return { file: r, codes: r.anomalies.map((a) => a.code) };
}

function fails(bytes: Buffer, reason: RegExp): BinaryParseError {
  const r = parse(bytes);
  assert.ok(r instanceof BinaryParseError, 'expected a BinaryParseError');
  assert.equal(r.format, 'macho');
  assert.match(r.reason, reason);
  return r;
}

const uuid = lc(LC_UUID, Buffer.alloc(16, 0x11));

test('ncmds = 0xffffffff with cmdsize 0 (the npm macho OOM) is capped and stops at the bad command', () => {
  const cmd = Buffer.concat([u32le(LC_UUID, 0), Buffer.alloc(16)]);
  for (const sizeofcmds of [cmd.length, 0xffffffff]) {
    const { file, codes } = anomalies(machO64({ commands: [cmd], ncmds: 0xffffffff, sizeofcmds, size: 2 << 20 }));
    assert.ok(codes.includes('macho.header.ncmds'), codes.join());
    assert.ok(codes.includes('macho.lc.cmdsize'), codes.join());
    assert.deepEqual(file.slices[0]!.loadCommands, []);
  }
});

test('a cmdsize beyond sizeofcmds stops the walk with an anomaly; the commands before it are kept', () => {
  const bad = lc(LC_RPATH, [12, 0, 0, 0, 0x40, 0], 4096);
  const { file, codes } = anomalies(machO64({ commands: [uuid, bad] }));
  assert.deepEqual(codes, ['macho.lc.cmdsize']);
  assert.deepEqual(file.slices[0]!.loadCommands.map((l) => l.name), ['LC_UUID']);
  assert.equal(file.slices[0]!.uuid, '11111111-1111-1111-1111-111111111111');
});

test('sizeofcmds beyond the file is cut to the file with an anomaly', () => {
  const img = machO64({ commands: [uuid], sizeofcmds: 0x7fffffff });
  const { file, codes } = anomalies(img);
  assert.equal(codes[0], 'macho.header.sizeofcmds');
  assert.equal(file.slices[0]!.uuid, '11111111-1111-1111-1111-111111111111');
});

test('lc_str offsets below the fixed command or beyond cmdsize are anomalies, and dylib ordinals keep their slots', () => {
  const below = lc(LC_RPATH, Buffer.concat([u32le(4), Buffer.from('/evil\0')]));
  const beyond = lc(LC_RPATH, Buffer.concat([u32le(4000), Buffer.from('/evil\0')]));
  const unterminated = lc(LC_RPATH, Buffer.concat([u32le(12), Buffer.alloc(20, 0x41)]));
  const badDylib = lc(LC_LOAD_DYLIB, dylibPayload('/usr/lib/libA.dylib', 8));
  const goodDylib = lc(LC_LOAD_DYLIB, dylibPayload('/usr/lib/libB.dylib'));
  const strs = Buffer.from('\0_b\0');
  const syms = nlist64([{ strx: 1, type: 1, desc: 2 << 8 }]);
  const symtab = lc(LC_SYMTAB, u32le(DATA_AT, 1, DATA_AT + syms.length, strs.length));
  const { file, codes } = anomalies(machO64({ commands: [below, beyond, unterminated, badDylib, goodDylib, symtab], data: Buffer.concat([syms, strs]) }));
  assert.deepEqual(codes, ['macho.lc.LC_RPATH', 'macho.lc.LC_RPATH', 'macho.lc.LC_RPATH', 'macho.lc.LC_LOAD_DYLIB']);
  const s = file.slices[0]!;
  assert.deepEqual(s.rpaths, []);
  assert.deepEqual(s.dylibs.map((d) => d.name), ['/usr/lib/libB.dylib']);
  assert.deepEqual([s.symbols[0]!.libraryOrdinal, s.symbols[0]!.library], [2, '/usr/lib/libB.dylib']);
  assert.equal(s.loadCommands.length, 6);
});

test('a huge nsyms or a symbol table outside the file is an anomaly, not an allocation', () => {
  for (const [symoff, nsyms] of [[DATA_AT, 0x10000000], [DATA_AT, 0xffffffff], [0xfffffff0, 1], [DATA_AT + 8, 1]]) {
    const symtab = lc(LC_SYMTAB, u32le(symoff!, nsyms!, DATA_AT, 4));
    const { file, codes } = anomalies(machO64({ commands: [uuid, symtab], data: Buffer.alloc(16) }));
    assert.deepEqual(codes, ['macho.symtab'], `symoff ${symoff} nsyms ${nsyms}`);
    assert.deepEqual(file.slices[0]!.symbols, []);
  }
  const strOutside = lc(LC_SYMTAB, u32le(DATA_AT, 1, 0x7ffffff0, 0x100));
  assert.deepEqual(anomalies(machO64({ commands: [strOutside], data: nlist64([{ strx: 0, type: 0xf, sect: 1 }]) })).codes, ['macho.symtab']);
});

test('an n_strx outside the string table gives a null name and one anomaly', () => {
  const strs = Buffer.from('\0_ok\0_unterminated');
  const syms = nlist64([
    { strx: 1, type: 0xf, sect: 1, value: 0x10 },
    { strx: 0xffffff, type: 0xf, sect: 1 },
    { strx: 5, type: 0xf, sect: 1 },
    { strx: 0x80000000, type: 1 },
  ]);
  const symtab = lc(LC_SYMTAB, u32le(DATA_AT, 4, DATA_AT + syms.length, strs.length));
  const { file, codes } = anomalies(machO64({ commands: [symtab], data: Buffer.concat([syms, strs]) }));
  assert.deepEqual(codes, ['macho.symtab.strx']);
  assert.deepEqual(file.slices[0]!.symbols.map((s) => s.name), ['_ok', null, null, null]);
  assert.match(file.anomalies[0]!.message, /^3 symbols/);
});

test('many n_strx into one long name are charged to the work budget, so the names cannot outgrow the file', () => {
  const nsyms = 20000;
  const syms = nlist64(Array.from({ length: nsyms }, (_, i) => ({ strx: i % 7, type: 0xf, sect: 1 })));
  const strs = Buffer.concat([Buffer.alloc(60000, 0x41), Buffer.from([0])]);
  const symtab = lc(LC_SYMTAB, u32le(DATA_AT, nsyms, DATA_AT + syms.length, strs.length));
  // 20,000 names of ~60 KB would be 1.2 GB of strings from a 380 KB file.
  fails(machO64({ commands: [symtab], data: Buffer.concat([syms, strs]) }), /work budget exceeded/);
});

/** An image whose LC_CODE_SIGNATURE points at `sig` in the data area. */
const signed = (sig: Buffer, datasize = sig.length) => machO64({ commands: [uuid, lc(LC_CODE_SIGNATURE, u32le(DATA_AT, datasize))], data: sig });
const goodCd = () => codeDirectory({ version: 0x20400, flags: 0x20002, hashType: 2, hashSize: 32, pageLog2: 12, codeLimit: DATA_AT, identifier: 'x', team: 'TEAM', nSpecial: 0 });

test('a SuperBlob count that cannot fit is an anomaly', () => {
  const sig = superBlob([[0, goodCd()]]);
  sig.writeUInt32BE(0x40000000, 8);
  const { file, codes } = anomalies(signed(sig));
  assert.deepEqual(codes, ['macho.codesig']);
  assert.equal(file.slices[0]!.codeSignature, null);
  // A count that fits but no real signature has: only the first 64 entries are read.
  const many = superBlob(Array.from({ length: 5000 }, (_, i): [number, Buffer] => [i === 0 ? 0 : 0x10000 + i, i === 0 ? goodCd() : blob(0xfade0b01, Buffer.alloc(0))]));
  const r = anomalies(signed(many));
  assert.deepEqual([r.codes[0], r.codes.length], ['macho.codesig.count', 1]);
  assert.equal(r.file.slices[0]!.codeSignature?.superBlob?.index.length, 64);
  assert.equal(r.file.slices[0]!.codeSignature?.codeDirectories.length, 1);
});

test('more load commands than any real image has are read only up to a cap', () => {
  const n = 100_000;
  const head = machO64({ commands: [], ncmds: n, sizeofcmds: 24 * n, size: 32 });
  const { file, codes } = anomalies(Buffer.concat([head, ...Array.from({ length: n }, () => uuid)]));
  assert.deepEqual(codes, ['macho.header.ncmds', 'macho.lc.duplicate']);
  assert.equal(file.slices[0]!.loadCommands.length, 16384);
});

test('LC_CODE_SIGNATURE outside the file, a wrong SuperBlob magic or an oversized length are anomalies', () => {
  assert.deepEqual(anomalies(machO64({ commands: [lc(LC_CODE_SIGNATURE, u32le(0xfffff000, 0x2000))] })).codes, ['macho.linkedit.outside', 'macho.codesig']);
  const wrong = superBlob([[0, goodCd()]]);
  wrong.writeUInt32BE(0xfade0cc1, 0);
  assert.deepEqual(anomalies(signed(wrong)).codes, ['macho.codesig']);
  const long = superBlob([[0, goodCd()]]);
  long.writeUInt32BE(0x7fffffff, 4);
  const r = anomalies(signed(long));
  assert.deepEqual(r.codes, ['macho.codesig.length']);
  assert.equal(r.file.slices[0]!.codeSignature?.codeDirectories[0]?.teamId, 'TEAM');
});

test('blob offsets outside the SuperBlob, inside its index, or with a bad length are anomalies; other blobs survive', () => {
  const sig = superBlob([[0, goodCd()], [2, blob(0xfade0c01, u32le(0))], [5, blob(0xfade7171, Buffer.from('<plist/>'))], [0x10000, blob(0xfade0b01, Buffer.alloc(0))]]);
  sig.writeUInt32BE(0x7fffff00, 12 + 8 + 4); // requirements: far outside
  sig.writeUInt32BE(4, 12 + 16 + 4); // entitlements: inside the header/index
  const cmsAt = sig.readUInt32BE(12 + 24 + 4);
  sig.writeUInt32BE(0xffffffff, cmsAt + 4); // CMS: length beyond the SuperBlob
  const { file, codes } = anomalies(signed(sig));
  assert.deepEqual(codes, ['macho.codesig.blob', 'macho.codesig.blob', 'macho.codesig.blob']);
  const cs = file.slices[0]!.codeSignature!;
  assert.deepEqual([cs.requirements, cs.entitlements, cs.cms], [null, null, null]);
  assert.equal(cs.codeDirectories.length, 1);
  assert.deepEqual(cs.superBlob?.index.map((e) => e.magicName), ['CSMAGIC_CODEDIRECTORY', null, null, 'CSMAGIC_BLOBWRAPPER']);
});

test('CodeDirectory hashOffset, identOffset, teamOffset, slot counts and page size out of range are anomalies', () => {
  const cases: [number, number, 'u32' | 'u8'][] = [
    [16, 0xfffffff0, 'u32'], // hashOffset
    [16, 4, 'u32'], // hashOffset inside the fixed header
    [20, 0x7fffffff, 'u32'], // identOffset
    [20, 3, 'u32'], // identOffset inside the fixed header
    [48, 0xffff0000, 'u32'], // teamOffset
    [28, 0x7fffffff, 'u32'], // nCodeSlots
    [24, 0x7fffffff, 'u32'], // nSpecialSlots
    [8, 0x20600, 'u32'], // a version whose header is longer than the blob's fixed part
    [39, 200, 'u8'], // pageSize 2^200
    [36, 0, 'u8'], // hashSize 0
  ];
  for (const [at, value, width] of cases) {
    const cd = goodCd();
    if (width === 'u32') cd.writeUInt32BE(value, at);
    else cd.writeUInt8(value, at);
    if (at === 8) cd.writeUInt32BE(100, 4); // and a blob too short for it
    const { file, codes } = anomalies(signed(superBlob([[0, cd]])));
    assert.ok(codes.includes('macho.codesig.blob'), `field @${at}=${value}: ${codes.join()}`);
    assert.deepEqual(file.slices[0]!.codeSignature?.codeDirectories, [], `field @${at}`);
  }
});

test('an identifier without a NUL inside the CodeDirectory is an anomaly', () => {
  const cd = goodCd();
  const ident = cd.readUInt32BE(20);
  cd.fill(0x41, ident); // overwrite identifier, team and hashes up to the end: no NUL
  assert.ok(anomalies(signed(superBlob([[0, cd]]))).codes.includes('macho.codesig.blob'));
});

const slice = machO64({ commands: [uuid] });

test('fat slices that overlap or point outside the file are skipped with anomalies', () => {
  const f = fat(
    [
      { cputype: 0x0100000c, offset: 0x1000, size: slice.length },
      { cputype: 0x01000007, cpusubtype: 3, offset: 0x1000 + 0x100, size: slice.length }, // overlaps the first
      { cputype: 0x0200000c, offset: 0x10000000, size: 0x1000 }, // outside
      { cputype: 7, offset: 0, size: 0x1000 }, // over the fat header
      { cputype: 18, offset: 0x3000, size: 0 }, // empty
    ],
    [{ at: 0x1000, bytes: slice }],
    0x4000,
  );
  const { file, codes } = anomalies(f);
  assert.deepEqual(codes.sort(), ['macho.fat.slice-empty', 'macho.fat.slice-outside', 'macho.fat.slice-overlap', 'macho.fat.slice-overlaps-header'].sort());
  assert.deepEqual(file.fat?.arches.map((a) => a.valid), [true, false, false, false, false]);
  assert.deepEqual(file.slices.map((s) => [s.arch, s.offset]), [['arm64', 0x1000]]);
});

test('a fat file whose every slice is invalid, or whose slices are all unparsable, is a BinaryParseError', () => {
  fails(fat([{ cputype: 0x0100000c, offset: 0x10000000, size: 0x1000 }], [], 0x2000), /no fat_arch entry describes a valid slice/);
  fails(fat([{ cputype: 0x0100000c, offset: 0x1000, size: 0x100 }], [{ at: 0x1000, bytes: Buffer.from('not a mach-o') }], 0x2000), /no fat slice could be parsed/);
  // A slice that is itself fat is not a thin Mach-O.
  const inner = fat([{ cputype: 0x0100000c, offset: 0x1000, size: 0x100 }], [], 0x1100);
  fails(fat([{ cputype: 0x0100000c, offset: 0x1000, size: inner.length }], [{ at: 0x1000, bytes: inner }], 0x1000 + inner.length), /no fat slice could be parsed/);
});

test('a fat slice never reads its neighbour: a slice whose commands run past its size gets an anomaly', () => {
  const big = machO64({ commands: [uuid, lc(LC_RPATH, Buffer.concat([u32le(12), Buffer.from('@loader_path\0')]))] });
  // Declare the slice 40 bytes long: its header is whole, its load commands are not; the next bytes are another slice.
  const f = fat(
    [
      { cputype: 0x0100000c, offset: 0x1000, size: 40 },
      { cputype: 0x01000007, cpusubtype: 3, offset: 0x1000 + 40, size: big.length, align: 3 },
    ],
    [
      { at: 0x1000, bytes: big },
      { at: 0x1000 + 40, bytes: big },
    ],
    0x1000 + 40 + big.length,
  );
  const file = anomalies(f).file;
  const first = file.slices[0]!;
  assert.equal(first.size, 40);
  assert.deepEqual(first.loadCommands, []);
  assert.ok(file.anomalies.some((a) => a.code === 'macho.header.sizeofcmds' && a.offset === 0x1000 + 20));
  assert.ok(file.anomalies.some((a) => a.code === 'macho.fat.arch-mismatch'));
});

test('nfat_arch 44 with a truncated file is a BinaryParseError; a CAFEBABE class file is named as such', () => {
  const truncated = Buffer.alloc(8 + 20 * 3);
  truncated.writeUInt32BE(0xcafebabe, 0);
  truncated.writeUInt32BE(44, 4);
  fails(truncated, /no fat_arch entry describes a valid slice/);
  const cls = Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0x00, 0x00, 0x00, 0x41, 0x00, 0x0d, 0x0a]);
  fails(cls, /Java class file/);
  fails(Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0]), /no architectures/);
  fails(Buffer.from([0xca, 0xfe, 0xba, 0xbf, 0, 0, 0, 1]), /no fat_arch entry fits/);
});

test('a FAT_MAGIC_64 header with a huge nfat_arch reads at most 44 arches', () => {
  const b = Buffer.alloc(0x100000);
  b.writeUInt32BE(0xcafebabf, 0);
  b.writeUInt32BE(0xffffffff, 4);
  // The first arch points at a valid slice after the 44-entry table.
  b.writeInt32BE(0x0100000c, 8);
  b.writeBigUInt64BE(0x4000n, 16);
  b.writeBigUInt64BE(BigInt(slice.length), 24);
  b.writeUInt32BE(12, 32);
  slice.copy(b, 0x4000);
  const { file, codes } = anomalies(b);
  assert.equal(codes[0], 'macho.fat.nfat');
  assert.equal(file.fat?.arches.length, 44);
  assert.deepEqual(file.slices.map((s) => s.offset), [0x4000]);
});

test('files that are not Mach-O, or too short for a header, are BinaryParseErrors', () => {
  fails(Buffer.from('\x7fELF\x02\x01\x01\0'), /not a Mach-O file/);
  fails(Buffer.alloc(0), /past the end/);
  fails(Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]), /past the end/);
});

test('truncation at every header boundary and every load command is an error or an anomaly, never a crash', (t) => {
  const fx = machoFixtures();
  let cuts = 0;
  for (const name of ['greet-arm64.dylib', 'greet-universal.dylib', 'greet-universal64.dylib', 'greet-arm64_32.dylib', 'greet-i386.o', 'hello'] as const) {
    const bytes = readFileSync(fx[name]);
    const whole = parseMachO(bytesSource(bytes));
    const points = new Set<number>();
    for (let i = 0; i <= 64; i++) points.add(i);
    for (const s of whole.slices) {
      for (const l of s.loadCommands) for (const d of [-1, 0, 1, 8, l.size - 1]) points.add(s.offset + l.offset + d);
      for (const d of s.linkeditData) for (const x of [0, 1, 12, d.range.length - 1]) points.add(s.offset + d.range.offset + x);
      if (s.symtab) for (const x of [s.symtab.symoff, s.symtab.stroff, s.symtab.stroff + s.symtab.strsize - 1]) points.add(s.offset + x);
      const cd = s.codeSignature?.codeDirectories[0];
      if (cd) for (const x of [cd.range.offset + 8, cd.range.offset + 40, cd.range.offset + 90, cd.codeSlots.offset]) points.add(s.offset + x);
      points.add(s.offset + s.size - 1);
    }
    for (const p of points) {
      if (p < 0 || p >= bytes.length) continue;
      const r = parse(bytes.subarray(0, p));
      cuts++;
      if (r instanceof BinaryParseError) continue;
      assert.ok(r.anomalies.length > 0, `${name} cut at ${p}: a truncated file must say so`);
    }
  }
  t.diagnostic(`truncated fixtures at ${cuts} boundaries`);
});
