/**
 * Hostile PE inputs, hand-made: each must end in a typed BinaryParseError or an
 * anomaly beside a partial result — fast, and never a TypeError/RangeError,
 * a hang or an allocation sized by a header field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BinaryParseError, WORK_BUDGET_EXCEEDED } from '../../src/binary/errors.ts';
import { parsePe, type PeFile } from '../../src/binary/pe/parse.ts';
import { bytesSource } from '../../src/binary/source.ts';
import { peFixtures, type PeFixture } from '../fixtures/pe.ts';
import { Bytes, buildPe } from '../fixtures/pe-synth.ts';

const fx = peFixtures();
/**
 * Per parse. Every case here takes a few ms (the 1 MB aliasing case ~250 ms);
 * the limit is generous for a loaded CI machine, while a quadratic or unbounded
 * loop over these inputs would take minutes.
 */
const FAST_MS = 2000;

type Outcome = { result: PeFile; error?: undefined } | { result?: undefined; error: BinaryParseError };

function run(bytes: Uint8Array): Outcome {
  const t0 = performance.now();
  try {
    return { result: parsePe(bytesSource(bytes)) };
  } catch (e) {
    if (!(e instanceof BinaryParseError)) throw e;
    return { error: e };
  } finally {
    const ms = performance.now() - t0;
    assert.ok(ms < FAST_MS, `parse took ${ms.toFixed(0)} ms`);
  }
}

function fails(bytes: Uint8Array, reason: RegExp): BinaryParseError {
  const o = run(bytes);
  assert.ok(o.error, `expected a BinaryParseError, got a result with anomalies ${JSON.stringify(o.result?.anomalies)}`);
  assert.equal(o.error.format, 'pe');
  assert.match(o.error.reason, reason);
  return o.error;
}

function anomaly(bytes: Uint8Array, code: string, message?: RegExp): PeFile {
  const o = run(bytes);
  assert.ok(o.result, `expected a result, got ${o.error?.message}`);
  const hits = o.result.anomalies.filter((a) => a.code === code && (!message || message.test(a.message)));
  assert.ok(hits.length > 0, `expected anomaly ${code} ${message ?? ''}, got ${JSON.stringify(o.result.anomalies)}`);
  return o.result;
}

const original = new Map<PeFixture, PeFile>();
function parsed(name: PeFixture): PeFile {
  let p = original.get(name);
  if (!p) original.set(name, (p = parsePe(bytesSource(readFileSync(fx[name])))));
  return p;
}

/** A copy of a fixture with `edit` applied through a little-endian DataView. */
function patched(name: PeFixture, edit: (dv: DataView, p: PeFile, bytes: Uint8Array) => void): Uint8Array {
  const bytes = new Uint8Array(readFileSync(fx[name]));
  edit(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), parsed(name), bytes);
  return bytes;
}

const coff = (p: PeFile) => p.dos.lfanew + 4;
const rvaToOffset = (p: PeFile, rva: number): number => {
  const s = p.sections.find((x) => rva >= x.virtualAddress && rva < x.virtualAddress + Math.max(x.virtualSize, x.sizeOfRawData))!;
  return s.pointerToRawData + rva - s.virtualAddress;
};
const directory = (p: PeFile, index: number) => p.dataDirectories.find((d) => d.index === index)!;

// ---------------------------------------------------------------------------
// Headers

test('rejects a file that is not a PE image', () => {
  fails(new Uint8Array(10), /too small for a DOS header/);
  fails(patched('x64.dll', (dv) => dv.setUint16(0, 0x4d5a, true)), /no MZ signature/);
  fails(patched('x64.dll', (dv, p) => dv.setUint8(p.dos.lfanew + 1, 0x46)), /no PE\\0\\0 signature/);
  fails(patched('x64.dll', (dv, p) => dv.setUint16(p.optional.offset, 0x20c, true)), /unknown optional header magic 0x20c/);
  fails(patched('x64.dll', (dv, p) => dv.setUint16(p.optional.offset, 0x107, true)), /ROM image/);
  fails(patched('x64.dll', (dv, p) => dv.setUint16(coff(p) + 16, 0, true)), /SizeOfOptionalHeader is 0/);
});

test('rejects an e_lfanew beyond the file', () => {
  for (const lfanew of [0x7fffffff, 0xffffffff, readFileSync(fx['x64.dll']).length - 2]) {
    const e = fails(patched('x64.dll', (dv) => dv.setUint32(0x3c, lfanew, true)), /PE signature and COFF file header: .* run past the end/);
    assert.ok(e.offset <= lfanew);
  }
});

test('caps NumberOfSections 0xffff by what fits in the file', () => {
  const bytes = patched('x64.dll', (dv, p) => dv.setUint16(coff(p) + 2, 0xffff, true));
  const p = parsed('x64.dll');
  const table = p.optional.offset + p.coff.sizeOfOptionalHeader;
  const r = anomaly(bytes, 'pe.sections.truncated', /NumberOfSections is 65535/);
  assert.equal(r.sections.length, Math.floor((bytes.length - table) / 40));
  assert.deepEqual(r.sections.slice(0, p.sections.length), p.sections);
});

test('survives a SizeOfOptionalHeader larger than the file: no section table, tables unmapped', () => {
  const r = anomaly(patched('x64.dll', (dv, p) => dv.setUint16(coff(p) + 16, 0xffff, true)), 'pe.sections.truncated', /only 0 section headers/);
  assert.deepEqual(r.sections, []);
  assert.deepEqual(r.imports, []);
  assert.ok(r.anomalies.some((a) => a.code === 'pe.imports' && /mapped by no section/.test(a.message)));
});

test('reads at most 16 data directories when NumberOfRvaAndSizes is 0xffffffff', () => {
  const r = anomaly(patched('x64.dll', (dv, p) => dv.setUint32(p.optional.offset + 108, 0xffffffff, true)), 'pe.optional.rvaAndSizes');
  const p = parsed('x64.dll');
  assert.equal(r.optional.numberOfRvaAndSizes, 0xffffffff);
  assert.deepEqual(r.dataDirectories, p.dataDirectories);
  assert.deepEqual(r.imports, p.imports);
});

test('reads fewer data directories when NumberOfRvaAndSizes says so', () => {
  const r = run(patched('x64.dll', (dv, p) => dv.setUint32(p.optional.offset + 108, 1, true))).result!;
  assert.deepEqual(r.dataDirectories.map((d) => d.index), [0]);
  assert.deepEqual(r.imports, [], 'the import directory (index 1) is outside NumberOfRvaAndSizes');
  assert.ok(r.exports);
});

test('truncation at every byte of the headers gives a BinaryParseError or a partial result', () => {
  for (const name of ['x64.dll', 'x86.dll'] as const) {
    const full = new Uint8Array(readFileSync(fx[name]));
    const p = parsed(name);
    const optionalEnd = p.optional.offset + (p.optional.magic === 'PE32+' ? 112 : 96);
    const tableEnd = p.optional.offset + p.coff.sizeOfOptionalHeader + 40 * p.coff.numberOfSections;
    for (let cut = 0; cut <= p.optional.sizeOfHeaders; cut++) {
      const o = run(full.subarray(0, cut));
      if (cut < optionalEnd) assert.ok(o.error, `${name} cut at ${cut}: the fixed headers are incomplete`);
      else if (cut < tableEnd) assert.ok(o.result?.anomalies.some((a) => /^pe\.(sections\.truncated|optional\.directoriesTruncated)$/.test(a.code)), `${name} cut at ${cut}`);
      else assert.equal(o.result?.sections.length, p.sections.length, `${name} cut at ${cut}`);
    }
    // ... and at every section boundary: the sections that no longer fit are reported.
    for (const s of p.sections) {
      for (const cut of [s.pointerToRawData, s.pointerToRawData + 1, s.pointerToRawData + s.sizeOfRawData - 1]) {
        const r = anomaly(full.subarray(0, cut), 'pe.section.pastEof');
        assert.equal(r.sections.length, p.sections.length);
      }
    }
  }
});

test('flags sections past EOF and overlapping sections', () => {
  anomaly(patched('x64.dll', (dv, p) => dv.setUint32(p.optional.offset + p.coff.sizeOfOptionalHeader + 16, 0x7ffff000, true)), 'pe.section.pastEof', /\.text/);
  const r = anomaly(
    patched('x64.dll', (dv, p) => dv.setUint32(p.optional.offset + p.coff.sizeOfOptionalHeader + 40 + 20, p.sections[0]!.pointerToRawData, true)),
    'pe.section.overlap',
    /in the file/,
  );
  assert.equal(r.sections.length, parsed('x64.dll').sections.length);
  anomaly(patched('x64.dll', (dv, p) => dv.setUint32(p.optional.offset + p.coff.sizeOfOptionalHeader + 40 + 12, p.sections[0]!.virtualAddress, true)), 'pe.section.overlap', /in memory/);
});

test('keeps an unresolvable long section name as stored, with an anomaly', () => {
  const r = anomaly(
    patched('x64.dll', (_dv, p, bytes) => {
      const i = p.sections.findIndex((s) => s.rawName.startsWith('/'));
      bytes.set(Buffer.from('/9999999'), p.optional.offset + p.coff.sizeOfOptionalHeader + 40 * i);
    }),
    'pe.section.longName',
    /outside the .*COFF string table/,
  );
  assert.ok(r.sections.some((s) => s.name === '/9999999'));
});

// ---------------------------------------------------------------------------
// Imports

/** A PE32 image with one .idata section filling the end of the file. */
function idata(build: (b: Bytes, rva: (rel: number) => number) => { importDir: number }, size = 0x1000): Uint8Array {
  const RVA = 0x1000;
  const b = new Bytes();
  const { importDir } = build(b, (rel) => RVA + rel);
  const data = b.pad(size).bytes().subarray(0, size);
  return buildPe({ sections: [{ name: '.idata', virtualAddress: RVA, data }], directories: { 1: { rva: importDir, size: 40 } } }).bytes;
}

test('stops at EOF when import descriptors have no terminator', () => {
  const bytes = idata((b, rva) => {
    b.str('a.dll').pad(16).u16(7).str('f').pad(32).u32(rva(16)).u32(0).pad(64);
    while (b.length + 20 <= 0x1000) b.u32(rva(32)).u32(0).u32(0).u32(rva(0)).u32(rva(32));
    return { importDir: rva(64) };
  });
  const r = anomaly(bytes, 'pe.imports.unterminated', /import descriptors have no terminator/);
  assert.equal(r.imports.length, Math.floor((0x1000 - 64) / 20));
  assert.deepEqual(r.imports[0]!.functions, [{ name: 'f', hint: 7 }]);
});

test('stops at EOF when an import lookup table never ends', () => {
  const bytes = idata((b, rva) => {
    b.str('a.dll').pad(16).u16(1).str('f').pad(32);
    b.u32(rva(64)).u32(0).u32(0).u32(rva(0)).u32(rva(64)).pad(64); // one descriptor + terminator
    while (b.length + 4 <= 0x1000) b.u32(rva(16));
    return { importDir: rva(32) };
  });
  const r = anomaly(bytes, 'pe.imports.unterminated', /import lookup table of a\.dll/);
  assert.equal(r.imports[0]!.functions.length, (0x1000 - 64) / 4);
});

test('many descriptors sharing one endless lookup table stop at what the file can hold', () => {
  const SIZE = 0x100000;
  const bytes = idata((b, rva) => {
    b.str('a.dll').pad(16).u16(1).str('f').pad(32);
    const ilt = SIZE / 2;
    while (b.length + 20 <= ilt) b.u32(rva(ilt)).u32(0).u32(0).u32(rva(0)).u32(rva(ilt));
    while (b.length + 4 <= SIZE) b.u32(rva(16));
    return { importDir: rva(32) };
  }, SIZE);
  const r = anomaly(bytes, 'pe.imports.overlap', /more entries than fit in the file/);
  const total = r.imports.reduce((n, i) => n + i.functions.length, 0);
  assert.ok(total <= bytes.length / 4, `${total} functions from a ${bytes.length}-byte file`);
  assert.ok(r.imports.length < 10);
});

test('reports an import directory RVA mapped by no section, and reads the rest', () => {
  const r = anomaly(patched('x64.dll', (dv, p) => dv.setUint32(directory(p, 1).entryOffset, 0x7fff0000, true)), 'pe.imports', /mapped by no section/);
  assert.deepEqual(r.imports, []);
  assert.deepEqual(r.exports, parsed('x64.dll').exports);
});

test('skips an import whose DLL name RVA points nowhere, keeps the others', () => {
  const r = anomaly(
    patched('x64.dll', (dv, p) => dv.setUint32(rvaToOffset(p, directory(p, 1).rva) + 12, 0x7fff0000, true)),
    'pe.imports.name',
    /mapped by no section/,
  );
  assert.deepEqual(r.imports, parsed('x64.dll').imports.slice(1));
});

// ---------------------------------------------------------------------------
// Exports

test('caps export NumberOfFunctions and NumberOfNames of 0xffffffff by their tables', () => {
  for (const field of [20, 24]) {
    const r = anomaly(patched('x64.dll', (dv, p) => dv.setUint32(rvaToOffset(p, directory(p, 0).rva) + field, 0xffffffff, true)), 'pe.exports.capped');
    assert.ok(r.exports);
    assert.ok(r.exports.functions.length < 2000);
  }
});

test('export names aliasing one long string exhaust the work budget, not memory', () => {
  // 10,000 names that all point at one 60,000-byte string: 600 MB of names if copied out.
  const N = 10_000;
  const LONG = 60_000;
  const RVA = 0x1000;
  const eat = RVA + 40;
  const names = eat + 4 * N;
  const ordinals = names + 4 * N;
  const str = ordinals + 2 * N;
  const b = new Bytes().u32(0).u32(0).u32(0).u32(0).u32(1).u32(N).u32(N).u32(eat).u32(names).u32(ordinals);
  for (let i = 0; i < N; i++) b.u32(0x1000);
  for (let i = 0; i < N; i++) b.u32(str);
  for (let i = 0; i < N; i++) b.u16(i);
  b.raw(new Uint8Array(LONG).fill(0x61)).u8(0);
  const data = b.bytes();
  const bytes = buildPe({ sections: [{ name: '.edata', virtualAddress: RVA, data }], directories: { 0: { rva: RVA, size: 40 } } }).bytes;
  const e = fails(bytes, /work budget exceeded/);
  assert.equal(e.reason, WORK_BUDGET_EXCEEDED);
});

test('flags an export name whose ordinal index is past the EAT', () => {
  const r = anomaly(
    patched('x64.dll', (dv, p) => {
      const ordinals = dv.getUint32(rvaToOffset(p, directory(p, 0).rva) + 36, true);
      dv.setUint16(rvaToOffset(p, ordinals), 0xfff0, true);
    }),
    'pe.exports.badOrdinal',
  );
  assert.equal(r.exports!.functions.flatMap((f) => f.names).length, 4);
});

test('reports an export directory that runs past its section', () => {
  anomaly(
    patched('x64.dll', (dv, p) => {
      const s = p.sections.find((x) => x.name === '.edata')!;
      dv.setUint32(directory(p, 0).entryOffset, s.virtualAddress + s.sizeOfRawData - 8, true);
    }),
    'pe.exports',
    /export directory: 40 bytes .* run past/,
  );
});

// ---------------------------------------------------------------------------
// Certificates

const certEntry = (p: PeFile) => directory(p, 4);

test('stops at a WIN_CERTIFICATE dwLength of 0 (never loops)', () => {
  const r = anomaly(patched('signed.dll', (dv, p) => dv.setUint32(certEntry(p).rva, 0, true)), 'pe.certificates.badLength', /dwLength 0 is below/);
  assert.deepEqual(r.certificates, []);
});

test('stops at a WIN_CERTIFICATE dwLength beyond the table and the file', () => {
  for (const length of [0x7fffffff, 0xffffffff]) {
    const r = anomaly(patched('signed.dll', (dv, p) => dv.setUint32(certEntry(p).rva, length, true)), 'pe.certificates.badLength', /runs past the end/);
    assert.deepEqual(r.certificates, []);
  }
});

test('flags a certificate table that runs past the end of the file', () => {
  const r = anomaly(patched('signed.dll', (dv, p) => dv.setUint32(certEntry(p).entryOffset + 4, 0x7fffffff, true)), 'pe.certificates.pastEof');
  assert.deepEqual(r.certificates, parsed('signed.dll').certificates);
});

test('refuses a certificate directory pointing inside the headers', () => {
  for (const offset of [0, 0x40, 0x100]) {
    const r = anomaly(patched('signed.dll', (dv, p) => dv.setUint32(certEntry(p).entryOffset, offset, true)), 'pe.certificates.inHeaders');
    assert.deepEqual(r.certificates, []);
  }
});

test('flags data appended after the certificate table', () => {
  const signed = new Uint8Array(readFileSync(fx['signed.dll']));
  const grown = new Uint8Array(signed.length + 100);
  grown.set(signed);
  const r = anomaly(grown, 'pe.certificates.dataAfter', /100 bytes follow/);
  assert.deepEqual(r.certificates, parsed('signed.dll').certificates);
});

test('flags a dwLength that runs past the DER (MS13-098 padding)', () => {
  const signed = new Uint8Array(readFileSync(fx['signed.dll']));
  const grown = new Uint8Array(signed.length + 64);
  grown.set(signed);
  grown.fill(0x41, signed.length);
  const dv = new DataView(grown.buffer);
  const entry = certEntry(parsed('signed.dll'));
  dv.setUint32(entry.entryOffset + 4, entry.size + 64, true);
  dv.setUint32(entry.rva, dv.getUint32(entry.rva, true) + 64, true);
  const r = anomaly(grown, 'pe.certificates.trailingData', /follow the DER object inside dwLength/);
  assert.deepEqual(r.certificates[0]!.der, parsed('signed.dll').certificates[0]!.der);
});

test('reports a bCertificate that is not DER', () => {
  const r = anomaly(patched('signed.dll', (dv, p) => dv.setUint8(certEntry(p).rva + 8, 0x31)), 'pe.certificates.der', /tag 0x31/);
  assert.equal(r.certificates[0]!.der, null);
  const long = anomaly(patched('signed.dll', (dv, p) => dv.setUint8(certEntry(p).rva + 9, 0x80)), 'pe.certificates.der', /indefinite length/);
  assert.equal(long.certificates[0]!.der, null);
  anomaly(patched('signed.dll', (dv, p) => dv.setUint16(certEntry(p).rva + 10, 0xffff, false)), 'pe.certificates.derTruncated');
});

// ---------------------------------------------------------------------------
// Everything at once: mutate the fields the parser trusts most, in bulk.

test('random corruption of every header and table byte gives only typed errors or anomalies', () => {
  let state = 0x2545f491;
  const rand = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8);
  for (const name of Object.keys(fx) as PeFixture[]) {
    const base = new Uint8Array(readFileSync(fx[name]));
    const span = Math.min(base.length, 0x2000);
    for (let i = 0; i < 150; i++) {
      const b = Uint8Array.from(base);
      for (let k = 0; k < 1 + (rand() % 8); k++) b[rand() % span] = rand() & 0xff;
      run(b);
    }
  }
});
