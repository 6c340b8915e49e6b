/**
 * parsePe on the fixtures built from native/pe: concrete values each source and
 * build command guarantee (see test/fixtures/pe.ts for how each one is made).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePe, type PeFile } from '../../src/binary/pe/parse.ts';
import { bytesSource, withFile, type ByteSource } from '../../src/binary/source.ts';
import { sniff } from '../../src/binary/sniff.ts';
import { peFixtures, type PeFixture } from '../fixtures/pe.ts';
import { Bytes, CLR_SECTION_RVA, FILE_ALIGNMENT, buildClrPe, buildPe } from '../fixtures/pe-synth.ts';

const fx = peFixtures();
const parsed = new Map<PeFixture, PeFile>();
function pe(name: PeFixture): PeFile {
  let r = parsed.get(name);
  if (!r) {
    r = withFile(fx[name], parsePe);
    parsed.set(name, r);
  }
  return r;
}

function importsOf(p: PeFile): Record<string, unknown[]> {
  return Object.fromEntries(p.imports.map((i) => [i.dll, i.functions]));
}

function rvaToOffset(p: PeFile, rva: number): number {
  const s = p.sections.find((x) => rva >= x.virtualAddress && rva < x.virtualAddress + Math.max(x.virtualSize, x.sizeOfRawData));
  assert.ok(s, `RVA 0x${rva.toString(16)} in a section`);
  return s.pointerToRawData + rva - s.virtualAddress;
}

/** Byte sequence search (DER OIDs, names). */
function contains(hay: Uint8Array, needle: number[] | string): boolean {
  const n = typeof needle === 'string' ? Buffer.from(needle) : Buffer.from(needle);
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(n) >= 0;
}

// DER encodings of the Authenticode OIDs.
const OID_SPC_INDIRECT_DATA = [0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x04]; // 1.3.6.1.4.1.311.2.1.4
const OID_NESTED_SIGNATURE = [0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x04, 0x01]; // 1.3.6.1.4.1.311.2.4.1

/** Names in ILT order; their hints come from mingw-w64's import libraries (so only their presence is checked). */
const MINGW_IMPORTS = {
  'KERNEL32.dll': ['GetCurrentProcessId', 'GetTickCount'],
  'msvcrt.dll': ['free', 'malloc', 'strlen'],
};

test('every fixture sniffs as PE and parses without anomalies beyond a zero checksum', () => {
  for (const name of Object.keys(fx) as PeFixture[]) {
    assert.equal(withFile(fx[name], sniff), 'pe', name);
    const codes = pe(name).anomalies.map((a) => a.code);
    assert.ok(codes.every((c) => c === 'pe.checksum.zero'), `${name}: ${JSON.stringify(pe(name).anomalies)}`);
  }
});

test('reads the headers of a MinGW x86_64 DLL', () => {
  const p = pe('x64.dll');
  assert.equal(p.format, 'pe');
  assert.equal(p.coff.machine, 0x8664);
  assert.equal(p.coff.machineName, 'IMAGE_FILE_MACHINE_AMD64');
  assert.equal(p.coff.arch, 'x86_64');
  assert.equal(p.coff.timeDateStamp, 0, '--no-insert-timestamp');
  assert.equal(p.coff.sizeOfOptionalHeader, 240);
  assert.ok(p.coff.characteristicNames.includes('IMAGE_FILE_DLL'));
  assert.ok(p.coff.characteristicNames.includes('IMAGE_FILE_LARGE_ADDRESS_AWARE'));
  assert.equal(p.isDll, true);
  assert.equal(p.optional.magic, 'PE32+');
  assert.equal(p.optional.offset, p.dos.lfanew + 24);
  assert.equal(p.optional.checkSumOffset, p.dos.lfanew + 24 + 64);
  assert.notEqual(p.optional.checkSum, 0, 'GNU ld computes the checksum of DLLs');
  assert.equal(p.optional.fileAlignment, 0x200);
  assert.equal(p.optional.sectionAlignment, 0x1000);
  assert.equal(p.optional.baseOfData, null);
  assert.equal(typeof p.optional.imageBase, 'number');
  assert.equal(p.optional.numberOfRvaAndSizes, 16);
  assert.deepEqual(p.optional.dllCharacteristicNames, ['HIGH_ENTROPY_VA', 'DYNAMIC_BASE', 'NX_COMPAT']);
  assert.equal(p.optional.subsystemName, 'IMAGE_SUBSYSTEM_WINDOWS_CUI');
  assert.deepEqual(
    p.dataDirectories.map((d) => d.name),
    ['IMAGE_DIRECTORY_ENTRY_EXPORT', 'IMAGE_DIRECTORY_ENTRY_IMPORT', 'IMAGE_DIRECTORY_ENTRY_EXCEPTION', 'IMAGE_DIRECTORY_ENTRY_DEBUG', 'IMAGE_DIRECTORY_ENTRY_IAT'],
  );
  for (const d of p.dataDirectories) assert.equal(d.entryOffset, p.optional.offset + 112 + 8 * d.index);
});

test('resolves a long MinGW section name through the COFF string table, stripped or not', () => {
  for (const name of ['x64.dll', 'x64-stripped.dll'] as const) {
    const s = pe(name).sections.find((x) => x.name === '.da_long_section_name');
    assert.ok(s, `${name}: ${pe(name).sections.map((x) => x.name).join(' ')}`);
    assert.match(s.rawName, /^\/\d+$/);
    assert.deepEqual(s.characteristicNames, ['IMAGE_SCN_CNT_INITIALIZED_DATA', 'IMAGE_SCN_MEM_READ']);
  }
  assert.ok(pe('x64.dll').coff.numberOfSymbols > 0, 'unstripped: COFF symbols');
  assert.equal(pe('x64-stripped.dll').coff.numberOfSymbols, 0, '-s drops the symbols');
  const text = pe('x64.dll').sections[0]!;
  assert.equal(text.name, '.text');
  assert.deepEqual(text.characteristicNames, ['IMAGE_SCN_CNT_CODE', 'IMAGE_SCN_MEM_EXECUTE', 'IMAGE_SCN_MEM_READ']);
});

test('lists imports by name with hints and by ordinal (OrdOnly is @5 NONAME in ordlib.def)', () => {
  for (const name of ['x64.dll', 'x64-stripped.dll', 'x86.dll'] as const) {
    const imports = importsOf(pe(name));
    assert.deepEqual(Object.keys(imports).sort(), ['KERNEL32.dll', 'msvcrt.dll', 'ordlib.dll'], name);
    // ordlib.def: DepNamed @6 is imported by name (GNU dlltool writes its .def ordinal as the hint), OrdOnly @5 NONAME by ordinal.
    assert.deepEqual(imports['ordlib.dll'], [{ name: 'DepNamed', hint: 6 }, { ordinal: 5 }], name);
    for (const [dll, names] of Object.entries(MINGW_IMPORTS)) {
      const fns = imports[dll] as { name?: string; hint?: number }[];
      assert.deepEqual(fns.map((f) => f.name), names, `${name} ${dll}`);
      for (const f of fns) assert.ok(Number.isInteger(f.hint) && f.hint! > 0, `${name} ${dll} ${f.name} hint`);
    }
    for (const i of pe(name).imports) {
      assert.notEqual(i.iltRva, 0);
      assert.equal(i.timeDateStamp, 0, 'not bound');
    }
  }
});

test('reads the IAT when a descriptor has no import lookup table (OriginalFirstThunk 0)', () => {
  const p = pe('x64.dll');
  const bytes = new Uint8Array(readFileSync(fx['x64.dll']));
  const dv = new DataView(bytes.buffer);
  const dir = p.dataDirectories.find((d) => d.index === 1)!;
  for (let i = 0; i < p.imports.length; i++) dv.setUint32(rvaToOffset(p, dir.rva) + 20 * i, 0, true);
  const r = parsePe(bytesSource(bytes));
  assert.deepEqual(r.imports.map((i) => i.iltRva), p.imports.map(() => 0));
  assert.deepEqual(r.imports.map((i) => [i.dll, i.functions]), p.imports.map((i) => [i.dll, i.functions]));
});

test('maps RVAs below SizeOfHeaders 1:1 to file offsets (tables in the header padding)', () => {
  // An export directory written into the headers' padding, after the section table.
  const img = buildPe({ sections: [{ name: '.text', virtualAddress: 0x1000, data: new Uint8Array(16), characteristics: 0x60000020 }] });
  const at = img.sectionTable + 40 + 8; // after the one section header
  const ed = new Bytes()
    .u32(0).u32(0).u32(0) // Characteristics, TimeDateStamp, versions
    .u32(at + 40) // Name
    .u32(1) // Base
    .u32(1).u32(1) // NumberOfFunctions, NumberOfNames
    .u32(at + 52).u32(at + 56).u32(at + 60) // AddressOfFunctions, AddressOfNames, AddressOfNameOrdinals
    .str('hdr.dll').pad(52)
    .u32(0x1000) // EAT[0]
    .u32(at + 62) // name pointer
    .u16(0) // name ordinal
    .str('in_headers')
    .bytes();
  assert.ok(at + ed.length <= FILE_ALIGNMENT);
  img.bytes.set(ed, at);
  new DataView(img.bytes.buffer).setUint32(img.directory(0), at, true);
  new DataView(img.bytes.buffer).setUint32(img.directory(0) + 4, ed.length, true);
  const r = parsePe(bytesSource(img.bytes));
  assert.deepEqual(r.anomalies, []);
  assert.equal(r.exports?.dllName, 'hdr.dll');
  assert.deepEqual(r.exports?.functions, [{ ordinal: 1, names: ['in_headers'], rva: 0x1000 }]);
});

test('reports a PE32+ ImageBase of 2^53 or more as null with an anomaly', () => {
  const bytes = new Uint8Array(readFileSync(fx['x64.dll']));
  new DataView(bytes.buffer).setUint32(pe('x64.dll').optional.offset + 28, 0xffff0000, true);
  const r = parsePe(bytesSource(bytes));
  assert.equal(r.optional.imageBase, null);
  assert.deepEqual(r.anomalies.map((a) => a.code), ['pe.optional.imageBase']);
  assert.deepEqual(r.imports, pe('x64.dll').imports);
});

test('lists named, aliased, ordinal-only and forwarded exports (dll.def)', () => {
  const e = pe('x64.dll').exports;
  assert.ok(e);
  assert.equal(e.dllName, 'x64.dll');
  assert.equal(e.ordinalBase, 1);
  assert.equal(e.numberOfFunctions, 7);
  assert.equal(e.numberOfNames, 5);
  const byOrdinal = new Map(e.functions.map((f) => [f.ordinal, f]));
  assert.deepEqual([...byOrdinal.keys()], [1, 2, 3, 4, 5, 7], 'ordinal 6 is an empty slot');
  assert.deepEqual(byOrdinal.get(1)!.names, ['da_add']);
  assert.deepEqual(byOrdinal.get(2)!.names, ['da_ticks']);
  assert.deepEqual(byOrdinal.get(3)!.names, ['da_alias']);
  assert.equal(byOrdinal.get(3)!.rva, byOrdinal.get(4)!.rva, 'both aliases point at da_alias_target');
  assert.deepEqual(byOrdinal.get(5), { ordinal: 5, names: ['Fwd'], forwarder: 'kernel32.GetTickCount' });
  assert.deepEqual(byOrdinal.get(7)!.names, [], 'NONAME');
  const text = pe('x64.dll').sections.find((s) => s.name === '.text')!;
  for (const f of e.functions.filter((x) => x.rva !== undefined)) {
    assert.ok(f.rva! >= text.virtualAddress && f.rva! < text.virtualAddress + text.virtualSize, `ordinal ${f.ordinal} in .text`);
  }
  assert.equal(pe('x86.dll').exports?.dllName, 'x86.dll');
  assert.deepEqual(pe('x86.dll').exports?.functions.map((f) => f.ordinal), [1, 2, 3, 4, 5, 7]);
});

test('reads a PE32 i686 DLL', () => {
  const p = pe('x86.dll');
  assert.equal(p.coff.machineName, 'IMAGE_FILE_MACHINE_I386');
  assert.equal(p.coff.arch, 'i386');
  assert.equal(p.optional.magic, 'PE32');
  assert.equal(p.coff.sizeOfOptionalHeader, 224);
  assert.equal(typeof p.optional.baseOfData, 'number');
  assert.ok(p.coff.characteristicNames.includes('IMAGE_FILE_32BIT_MACHINE'));
  for (const d of p.dataDirectories) assert.equal(d.entryOffset, p.optional.offset + 96 + 8 * d.index);
});

test('reads a console EXE: not a DLL, CUI subsystem, no exports', () => {
  const p = pe('hello.exe');
  assert.equal(p.isDll, false);
  assert.ok(p.coff.characteristicNames.includes('IMAGE_FILE_EXECUTABLE_IMAGE'));
  assert.equal(p.optional.subsystem, 3);
  assert.equal(p.optional.subsystemName, 'IMAGE_SUBSYSTEM_WINDOWS_CUI');
  assert.equal(p.exports, null);
  assert.deepEqual(
    p.imports.map((i) => [i.dll, i.functions.map((f) => f.name).sort()]),
    [['KERNEL32.dll', ['ExitProcess', 'GetStdHandle', 'WriteFile']]],
  );
  const text = p.sections.find((s) => s.name === '.text')!;
  assert.equal(p.optional.addressOfEntryPoint, text.virtualAddress, 'da_start is the first function');
});

test('lists delay imports by name and by ordinal from lld-link DLLs (x86_64, arm64, i386)', () => {
  for (const name of ['delay.dll', 'arm64.dll'] as const) {
    const p = pe(name);
    assert.equal(p.delayImports.length, 1, name);
    const d = p.delayImports[0]!;
    assert.equal(d.dll, 'dep.dll');
    assert.equal(d.attributes, 1);
    assert.equal(d.rvaBased, true);
    assert.deepEqual(d.functions, [{ ordinal: 9 }, { name: 'dep_other', hint: 0 }, { name: 'dep_value', hint: 0 }]);
    assert.ok(d.moduleHandleRva > 0 && d.iatRva > 0 && d.intRva > 0);
    assert.deepEqual(importsOf(p), { 'KERNEL32.dll': [{ name: 'GetTickCount', hint: 0 }] }, 'dep.dll is not a regular import');
    assert.deepEqual(p.exports?.functions.map((f) => [f.ordinal, f.names]), [[1, ['uses_delay']]]);
    assert.equal(p.exports?.dllName, name);
    assert.ok(p.anomalies.some((a) => a.code === 'pe.checksum.zero'), 'lld-link leaves CheckSum 0');
  }
  const d32 = pe('delay32.dll');
  assert.equal(d32.optional.magic, 'PE32');
  assert.deepEqual(d32.delayImports.map((d) => [d.dll, d.functions]), [['dep.dll', [{ name: 'dep_other', hint: 0 }, { name: 'dep_value', hint: 0 }]]]);
});

test('reads the old VA-based delay-load form (Attributes bit 0 clear) as RVAs', () => {
  const p = pe('delay32.dll');
  const bytes = new Uint8Array(readFileSync(fx['delay32.dll']));
  const dv = new DataView(bytes.buffer);
  const base = p.optional.imageBase!;
  const dir = p.dataDirectories.find((d) => d.index === 13)!;
  const at = rvaToOffset(p, dir.rva);
  dv.setUint32(at, 0, true); // grAttrs: VA-based
  for (const field of [4, 8, 12, 16]) dv.setUint32(at + field, dv.getUint32(at + field, true) + base, true);
  // The name table's hint/name pointers become VAs too.
  for (let t = rvaToOffset(p, p.delayImports[0]!.intRva); dv.getUint32(t, true) !== 0; t += 4) dv.setUint32(t, dv.getUint32(t, true) + base, true);
  const va = parsePe(bytesSource(bytes));
  assert.equal(va.delayImports[0]!.rvaBased, false);
  assert.deepEqual({ ...va.delayImports[0]!, attributes: 1, rvaBased: true }, p.delayImports[0]);
});

test('reads the CodeView debug record: a PDB path from lld-link, an empty one from GNU ld --build-id', () => {
  const lld = pe('delay.dll').debug.find((d) => d.typeName === 'IMAGE_DEBUG_TYPE_CODEVIEW');
  assert.equal(lld?.codeView?.signature, 'RSDS');
  assert.equal(lld?.codeView?.pdbPath, 'delay.pdb');
  assert.equal(lld?.codeView?.age, 1);
  assert.match(lld?.codeView?.guid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.ok(pe('delay.dll').debug.some((d) => d.typeName === 'IMAGE_DEBUG_TYPE_REPRO'), '/Brepro');
  const gnu = pe('x64.dll').debug;
  assert.equal(gnu.length, 1);
  assert.equal(gnu[0]!.codeView?.signature, 'RSDS');
  assert.equal(gnu[0]!.codeView?.pdbPath, '');
});

test('reads an ARM64 DLL', () => {
  const p = pe('arm64.dll');
  assert.equal(p.coff.machine, 0xaa64);
  assert.equal(p.coff.machineName, 'IMAGE_FILE_MACHINE_ARM64');
  assert.equal(p.coff.arch, 'arm64');
  assert.equal(p.optional.magic, 'PE32+');
});

test('unsigned fixtures have no certificates', () => {
  for (const name of ['x64.dll', 'x64-stripped.dll', 'x86.dll', 'hello.exe', 'delay.dll', 'delay32.dll', 'arm64.dll'] as const) {
    assert.deepEqual(pe(name).certificates, [], name);
    assert.equal(pe(name).dataDirectories.some((d) => d.index === 4), false, name);
  }
});

test('finds the Authenticode signature of a signed PE32+ and PE32: one PKCS#7 SignedData ending the file', () => {
  for (const name of ['signed.dll', 'signed32.dll', 'nested.dll'] as const) {
    const p = pe(name);
    const bytes = new Uint8Array(readFileSync(fx[name]));
    const dir = p.dataDirectories.find((d) => d.index === 4);
    assert.ok(dir, name);
    assert.equal(dir.entryOffset, p.optional.offset + (p.optional.magic === 'PE32+' ? 112 : 96) + 32);
    assert.equal(dir.rva + dir.size, bytes.length, 'the table ends the file');
    assert.equal(p.certificates.length, 1, name);
    const c = p.certificates[0]!;
    assert.equal(c.offset, dir.rva);
    assert.equal(c.length, dir.size);
    assert.equal(c.revisionName, 'WIN_CERT_REVISION_2_0');
    assert.equal(c.type, 2);
    assert.equal(c.typeName, 'WIN_CERT_TYPE_PKCS_SIGNED_DATA');
    assert.ok(c.der);
    assert.equal(c.der.offset, c.offset + 8);
    assert.ok(c.length - 8 - c.der.length < 8, 'only alignment padding after the DER');
    const der = bytes.subarray(c.der.offset, c.der.offset + c.der.length);
    assert.equal(der[0], 0x30);
    assert.ok(contains(der, OID_SPC_INDIRECT_DATA), 'SpcIndirectDataContent');
    assert.ok(contains(der, 'distaudit-test'), 'the signer certificate');
  }
  assert.equal(pe('signed32.dll').optional.magic, 'PE32');
  const nested = new Uint8Array(readFileSync(fx['nested.dll']));
  const der = pe('nested.dll').certificates[0]!.der!;
  const body = nested.subarray(der.offset, der.offset + der.length);
  assert.ok(contains(body, OID_NESTED_SIGNATURE), 'the second signature is nested inside the first');
  assert.ok(contains(body, 'distaudit-test-nested'));
  assert.equal(contains(readFileSync(fx['signed.dll']), OID_NESTED_SIGNATURE), false);
});

test('signing changes only the checksum, the certificate entry and the appended table', () => {
  const plain = pe('x64-stripped.dll');
  const signed = pe('signed.dll');
  const strip = (p: PeFile) => ({ ...p, optional: { ...p.optional, checkSum: 0 }, dataDirectories: p.dataDirectories.filter((d) => d.index !== 4), certificates: [], anomalies: [] });
  assert.deepEqual(strip(signed), strip(plain));
});

test('reads the CLR header of a .NET assembly (hand-made: no C# compiler here)', () => {
  const clrPe = buildClrPe();
  const p = parsePe(bytesSource(clrPe.bytes));
  assert.deepEqual(p.anomalies, []);
  assert.deepEqual(p.clr, {
    cb: 72,
    runtimeVersion: '2.5',
    flags: 0x9,
    flagNames: ['COMIMAGE_FLAGS_ILONLY', 'COMIMAGE_FLAGS_STRONGNAMESIGNED'],
    metadata: { rva: CLR_SECTION_RVA + 0x48, size: 0x20 },
    entryPoint: 0x06000001,
    resources: { rva: 0, size: 0 },
    strongNameSignature: { rva: CLR_SECTION_RVA + 0x68, size: 0x80 },
    vtableFixups: { rva: 0, size: 0 },
    managedNativeHeader: { rva: 0, size: 0 },
    metadataVersion: 'v4.0.30319',
  });
  for (const name of Object.keys(fx) as PeFixture[]) assert.equal(pe(name).clr, null, name);
});

test('gives the same result from a file source and from bytes in memory', () => {
  for (const name of Object.keys(fx) as PeFixture[]) {
    assert.deepEqual(parsePe(bytesSource(new Uint8Array(readFileSync(fx[name])))), pe(name), name);
  }
});

test('reads headers and tables only, never the whole file', () => {
  const base = new Uint8Array(readFileSync(fx['x64.dll']));
  const big = new Uint8Array(base.length + 64 * 1024 * 1024);
  big.set(base);
  const inner = bytesSource(big);
  let read = 0;
  const counting: ByteSource = { size: inner.size, read: (o, n) => ((read += n), inner.read(o, n)) };
  const p = parsePe(counting);
  assert.deepEqual(p.imports, pe('x64.dll').imports);
  assert.ok(read < 16 * 1024, `read ${read} bytes of a ${big.length}-byte file`);
});

test('result is plain JSON data: integers, strings, booleans, null, arrays, plain objects', () => {
  const check = (v: unknown, path: string): void => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
    if (typeof v === 'number') return assert.ok(Number.isSafeInteger(v), `${path} = ${v}`);
    if (Array.isArray(v)) return v.forEach((x, i) => check(x, `${path}[${i}]`));
    assert.ok(typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype, `${path} is ${String(v)}`);
    for (const [k, x] of Object.entries(v as object)) {
      assert.notEqual(x, undefined, `${path}.${k}`);
      check(x, `${path}.${k}`);
    }
  };
  for (const name of Object.keys(fx) as PeFixture[]) check(pe(name), name);
  check(parsePe(bytesSource(buildClrPe().bytes)), 'clr');
});
