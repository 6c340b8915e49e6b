/**
 * Differential test: parsePe against independent tools on every PE fixture
 * (plus the hand-made .NET image), field by field, with exact equality.
 *
 * - llvm-readobj 14 `--file-headers --sections --coff-imports --coff-exports
 *   --coff-debug-directory`: COFF and optional headers, data directories,
 *   section headers, imports and delay imports (DLL names, symbols by name and
 *   ordinal, in order), exports (ordinal, name, RVA), CodeView records.
 * - llvm-objdump 14 `-p`: what llvm-readobj 14 does not print — CheckSum,
 *   Win32VersionValue, LoaderFlags, the export DLL name, ordinal base and
 *   forwarder strings.
 * - osslsigncode (2.5 on a fresh CI machine, 2.9 here): signature presence, and
 *   the exact bytes of our certificates[0].der via `extract-signature`.
 *
 * Set DISTAUDIT_PE_EXTRA to a directory of further PE files (e.g. real MSVC
 * .node/.dll files from `npm pack`) to compare those too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePe, type PeFile } from '../../src/binary/pe/parse.ts';
import { withFile } from '../../src/binary/source.ts';
import { sniff } from '../../src/binary/sniff.ts';
import { LLVM_BIN, SIGNED_PE_FIXTURES, peFixtures, type PeFixture } from '../fixtures/pe.ts';
import { buildClrPe } from '../fixtures/pe-synth.ts';
import { toolPath } from '../support/fixture-builder.ts';

// ---------------------------------------------------------------------------
// llvm-readobj's text output as a tree

interface Node {
  key: string;
  /** `Characteristics [ (0x2226)` → '0x2226'. */
  value: string;
  fields: [string, string][];
  children: Node[];
  /** Bare lines inside a `[ ]` list: `IMAGE_FILE_DLL (0x2000)`. */
  items: string[];
}

function parseReadobj(text: string): Node {
  const root: Node = { key: '', value: '', fields: [], children: [], items: [] };
  const stack = [root];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const top = stack[stack.length - 1]!;
    let m: RegExpExecArray | null;
    if (line === '}' || line === ']') {
      stack.pop();
    } else if ((m = /^(.*?) \{$/.exec(line)) || (m = /^(.*?) \[(?: \((0x[0-9A-Fa-f]+)\))?$/.exec(line))) {
      const node: Node = { key: m[1]!, value: m[2] ?? '', fields: [], children: [], items: [] };
      top.children.push(node);
      stack.push(node);
    } else if ((m = /^([A-Za-z0-9_]+):(?: (.*))?$/.exec(line))) {
      top.fields.push([m[1]!, m[2] ?? '']);
    } else {
      top.items.push(line);
    }
  }
  return root;
}

function field(n: Node, key: string): string {
  const f = n.fields.find(([k]) => k === key);
  assert.ok(f, `llvm-readobj printed no ${key} in ${n.key}`);
  return f[1];
}
const num = (s: string): number => Number(s);
/** `IMAGE_FILE_MACHINE_AMD64 (0x8664)` → ['IMAGE_FILE_MACHINE_AMD64', 0x8664]. */
function named(s: string): [string, number] {
  const m = /^(.*) \((0x[0-9A-Fa-f]+)\)$/.exec(s);
  assert.ok(m, `not "NAME (0xN)": ${s}`);
  return [m[1]!, Number(m[2])];
}
const child = (n: Node, key: string): Node | undefined => n.children.find((c) => c.key === key);
const children = (n: Node, key: string): Node[] => n.children.filter((c) => c.key === key);
const flagList = (n: Node | undefined): string[] => (n ? n.items.map((i) => named(i)[0]).sort() : []);
/** Our flag names without the `0x..` entry for unnamed bits. */
const ours = (names: string[]): string[] => names.filter((x) => !x.startsWith('0x')).sort();

/** llvm-readobj's data directory names, by index. */
const LLVM_DIRECTORIES = [
  'ExportTable', 'ImportTable', 'ResourceTable', 'ExceptionTable', 'CertificateTable', 'BaseRelocationTable', 'Debug', 'Architecture',
  'GlobalPtr', 'TLSTable', 'LoadConfigTable', 'BoundImport', 'IAT', 'DelayImportDescriptor', 'CLRRuntimeHeader', 'Reserved',
];

/** `Symbol: name (hint)` for a named import, `Symbol:  (ordinal)` for an ordinal import. */
function symbol(s: string): { name?: string; hint?: number; ordinal?: number } {
  const m = /^(.*) \((\d+)\)$/.exec(s);
  assert.ok(m, `not "name (n)": ${s}`);
  return m[1] === '' ? { ordinal: Number(m[2]) } : { name: m[1]!, hint: Number(m[2]) };
}

/** PDBGUID: (21 28 9A ...) → our registry form (Data1..3 little-endian). */
function guidFromBytes(s: string): string {
  const b = Buffer.from(s.replace(/[() ]/g, ''), 'hex');
  const h = (x: Buffer) => x.toString('hex');
  return `${h(Buffer.from(b.subarray(0, 4)).reverse())}-${h(Buffer.from(b.subarray(4, 6)).reverse())}-${h(Buffer.from(b.subarray(6, 8)).reverse())}-${h(b.subarray(8, 10))}-${h(b.subarray(10, 16))}`;
}

function compareWithReadobj(file: string, p: PeFile): void {
  const out = execFileSync(toolPath(`${LLVM_BIN}/llvm-readobj`), ['--file-headers', '--sections', '--coff-imports', '--coff-exports', '--coff-debug-directory', file], { encoding: 'utf8' });
  const tree = parseReadobj(out);

  const fh = child(tree, 'ImageFileHeader')!;
  assert.deepEqual(named(field(fh, 'Machine')), [p.coff.machineName, p.coff.machine], 'Machine');
  assert.equal(num(field(fh, 'SectionCount')), p.coff.numberOfSections);
  assert.equal(named(field(fh, 'TimeDateStamp'))[1], p.coff.timeDateStamp);
  assert.equal(num(field(fh, 'PointerToSymbolTable')), p.coff.pointerToSymbolTable);
  assert.equal(num(field(fh, 'SymbolCount')), p.coff.numberOfSymbols);
  assert.equal(num(field(fh, 'OptionalHeaderSize')), p.coff.sizeOfOptionalHeader);
  const fc = child(fh, 'Characteristics');
  assert.equal(num(fc?.value ?? '0'), p.coff.characteristics);
  assert.deepEqual(flagList(fc), ours(p.coff.characteristicNames));

  const oh = child(tree, 'ImageOptionalHeader')!;
  const o = p.optional;
  assert.equal(num(field(oh, 'Magic')), o.magic === 'PE32+' ? 0x20b : 0x10b);
  assert.equal(num(field(oh, 'MajorLinkerVersion')), o.linkerVersion.major);
  assert.equal(num(field(oh, 'MinorLinkerVersion')), o.linkerVersion.minor);
  assert.equal(num(field(oh, 'SizeOfCode')), o.sizeOfCode);
  assert.equal(num(field(oh, 'SizeOfInitializedData')), o.sizeOfInitializedData);
  assert.equal(num(field(oh, 'SizeOfUninitializedData')), o.sizeOfUninitializedData);
  assert.equal(num(field(oh, 'AddressOfEntryPoint')), o.addressOfEntryPoint);
  assert.equal(num(field(oh, 'BaseOfCode')), o.baseOfCode);
  if (o.magic === 'PE32') assert.equal(num(field(oh, 'BaseOfData')), o.baseOfData);
  assert.equal(num(field(oh, 'ImageBase')), o.imageBase);
  assert.equal(num(field(oh, 'SectionAlignment')), o.sectionAlignment);
  assert.equal(num(field(oh, 'FileAlignment')), o.fileAlignment);
  assert.equal(num(field(oh, 'MajorOperatingSystemVersion')), o.osVersion.major);
  assert.equal(num(field(oh, 'MinorOperatingSystemVersion')), o.osVersion.minor);
  assert.equal(num(field(oh, 'MajorImageVersion')), o.imageVersion.major);
  assert.equal(num(field(oh, 'MinorImageVersion')), o.imageVersion.minor);
  assert.equal(num(field(oh, 'MajorSubsystemVersion')), o.subsystemVersion.major);
  assert.equal(num(field(oh, 'MinorSubsystemVersion')), o.subsystemVersion.minor);
  assert.equal(num(field(oh, 'SizeOfImage')), o.sizeOfImage);
  assert.equal(num(field(oh, 'SizeOfHeaders')), o.sizeOfHeaders);
  assert.deepEqual(named(field(oh, 'Subsystem')), [o.subsystemName, o.subsystem]);
  const dc = child(oh, 'Characteristics');
  assert.equal(num(dc?.value ?? '0'), o.dllCharacteristics);
  // llvm-readobj spells them IMAGE_DLL_CHARACTERISTICS_*; the API drops the prefix.
  assert.deepEqual(flagList(dc).map((x) => x.replace(/^IMAGE_DLL_CHARACTERISTICS_/, '')), ours(o.dllCharacteristicNames));
  assert.equal(num(field(oh, 'NumberOfRvaAndSize')), o.numberOfRvaAndSizes);
  const dd = child(oh, 'DataDirectory');
  const theirs = LLVM_DIRECTORIES.flatMap((name, index) => {
    if (!dd || !dd.fields.some(([k]) => k === `${name}RVA`)) return [];
    const rva = num(field(dd, `${name}RVA`));
    const size = num(field(dd, `${name}Size`));
    return rva === 0 && size === 0 ? [] : [{ index, rva, size }];
  });
  assert.deepEqual(theirs, p.dataDirectories.map(({ index, rva, size }) => ({ index, rva, size })), 'data directories');

  const secs = children(child(tree, 'Sections')!, 'Section');
  assert.equal(secs.length, p.sections.length);
  secs.forEach((s, i) => {
    const ourSection = p.sections[i]!;
    const [name] = /^(.*) \((?:[0-9A-F]{2} ?){8}\)$/.exec(field(s, 'Name'))?.slice(1) ?? [];
    assert.equal(name, ourSection.name, `section ${i} name`);
    assert.equal(num(field(s, 'VirtualSize')), ourSection.virtualSize);
    assert.equal(num(field(s, 'VirtualAddress')), ourSection.virtualAddress);
    assert.equal(num(field(s, 'RawDataSize')), ourSection.sizeOfRawData);
    assert.equal(num(field(s, 'PointerToRawData')), ourSection.pointerToRawData);
    assert.equal(num(field(s, 'PointerToRelocations')), ourSection.pointerToRelocations);
    assert.equal(num(field(s, 'PointerToLineNumbers')), ourSection.pointerToLinenumbers);
    assert.equal(num(field(s, 'RelocationCount')), ourSection.numberOfRelocations);
    assert.equal(num(field(s, 'LineNumberCount')), ourSection.numberOfLinenumbers);
    const c = child(s, 'Characteristics');
    assert.equal(num(c?.value ?? '0'), ourSection.characteristics);
    assert.deepEqual(flagList(c), ours(ourSection.characteristicNames), `section ${ourSection.name} characteristics`);
  });

  const imports = children(tree, 'Import').map((n) => ({
    dll: field(n, 'Name'),
    iltRva: num(field(n, 'ImportLookupTableRVA')),
    iatRva: num(field(n, 'ImportAddressTableRVA')),
    functions: n.fields.filter(([k]) => k === 'Symbol').map(([, v]) => symbol(v)),
  }));
  assert.deepEqual(imports, p.imports.map(({ dll, iltRva, iatRva, functions }) => ({ dll, iltRva, iatRva, functions })), 'imports');

  const delay = children(tree, 'DelayImport').map((n) => ({
    dll: field(n, 'Name'),
    attributes: num(field(n, 'Attributes')),
    moduleHandleRva: num(field(n, 'ModuleHandle')),
    iatRva: num(field(n, 'ImportAddressTable')),
    intRva: num(field(n, 'ImportNameTable')),
    boundIatRva: num(field(n, 'BoundDelayImportTable')),
    unloadIatRva: num(field(n, 'UnloadDelayImportTable')),
    functions: children(n, 'Import').map((i) => symbol(field(i, 'Symbol'))),
  }));
  assert.deepEqual(delay, p.delayImports.map(({ dll, attributes, moduleHandleRva, iatRva, intRva, boundIatRva, unloadIatRva, functions }) => ({ dll, attributes, moduleHandleRva, iatRva, intRva, boundIatRva, unloadIatRva, functions })), 'delay imports');

  // llvm-readobj prints every EAT slot with the first name pointing at it; we leave out empty slots
  // (RVA 0, no name). For a forwarder it prints the RVA of the forwarder string.
  const exportDir = p.dataDirectories.find((d) => d.index === 0);
  const exports = children(tree, 'Export')
    .map((n) => ({ ordinal: num(field(n, 'Ordinal')), name: field(n, 'Name'), rva: num(field(n, 'RVA')) }))
    .filter((e) => e.rva !== 0 || e.name !== '');
  assert.deepEqual(
    exports.map((e) => ({ ...e, rva: exportDir && e.rva >= exportDir.rva && e.rva < exportDir.rva + exportDir.size ? 'forwarder' : e.rva })),
    (p.exports?.functions ?? []).map((f) => ({ ordinal: f.ordinal, name: f.names[0] ?? '', rva: f.forwarder !== undefined ? 'forwarder' : f.rva })),
    'exports',
  );

  const debug = children(child(tree, 'DebugDirectory') ?? tree, 'DebugEntry').map((n) => {
    const pdb = child(n, 'PDBInfo');
    return {
      type: named(field(n, 'Type'))[1],
      timeDateStamp: named(field(n, 'TimeDateStamp'))[1],
      version: { major: num(field(n, 'MajorVersion')), minor: num(field(n, 'MinorVersion')) },
      sizeOfData: num(field(n, 'SizeOfData')),
      addressOfRawData: num(field(n, 'AddressOfRawData')),
      pointerToRawData: num(field(n, 'PointerToRawData')),
      codeView: pdb ? { signature: 'RSDS', guid: guidFromBytes(field(pdb, 'PDBGUID')), age: num(field(pdb, 'PDBAge')), pdbPath: field(pdb, 'PDBFileName') } : null,
    };
  });
  assert.deepEqual(debug, p.debug.map(({ typeName: _t, ...rest }) => rest), 'debug directory');
}

// ---------------------------------------------------------------------------
// llvm-objdump -p: the checksum and forwarders that llvm-readobj 14 does not print

function compareWithObjdump(file: string, p: PeFile): void {
  const out = execFileSync(toolPath(`${LLVM_BIN}/llvm-objdump`), ['-p', file], { encoding: 'utf8' });
  const hex = (key: string): number => {
    const m = new RegExp(`^${key}\\s+([0-9a-f]+)`, 'm').exec(out);
    assert.ok(m, `llvm-objdump printed no ${key}`);
    return parseInt(m[1]!, 16);
  };
  assert.equal(hex('CheckSum'), p.optional.checkSum);
  assert.equal(hex('Win32Version'), p.optional.win32VersionValue);
  assert.equal(hex('LoaderFlags'), p.optional.loaderFlags);
  const table = out.split('Export Table:\n')[1];
  if (!p.exports) {
    // llvm-objdump prints the heading even when there is no export directory.
    assert.equal((table ?? '').trim(), '', 'no export table');
    return;
  }
  assert.ok(table, 'llvm-objdump printed an export table');
  assert.equal(/^ DLL name: (.*)$/m.exec(table)?.[1], p.exports.dllName ?? undefined);
  assert.equal(Number(/^ Ordinal base: (\d+)$/m.exec(table)?.[1]), p.exports.ordinalBase);
  // Rows: `ordinal rva name`, or `ordinal name (forwarded to X)`; the RVA is `0` (no 0x) for empty slots.
  const rows = [...table.matchAll(/^ +(\d+) +(?:(0x[0-9a-f]+|0)(?: +|$))?(.*?)(?: \(forwarded to (.*)\))?$/gm)]
    .map((m) => ({ ordinal: Number(m[1]), rva: m[2] === undefined ? undefined : Number(m[2]), name: m[3] ?? '', forwarder: m[4] }))
    .filter((r) => r.forwarder !== undefined || r.rva !== 0 || r.name !== '');
  assert.deepEqual(
    rows,
    p.exports.functions.map((f) => ({ ordinal: f.ordinal, rva: f.rva, name: f.names[0] ?? '', forwarder: f.forwarder })),
    'exports (llvm-objdump)',
  );
}

// ---------------------------------------------------------------------------
// osslsigncode: signature presence and the DER bytes

function compareWithOsslsigncode(file: string, p: PeFile, scratch: string): number {
  const osc = toolPath('osslsigncode');
  const verify = spawnSync(osc, ['verify', '-in', file], { encoding: 'utf8' });
  const text = `${verify.stdout}\n${verify.stderr}`;
  const signatures = [...text.matchAll(/^Signature Index: (\d+)/gm)].length;
  if (p.certificates.length === 0) {
    assert.match(text, /No signature found/, `osslsigncode finds a signature in ${file}`);
    return 0;
  }
  // The self-signed test certificate fails the chain check (exit code 1); the signature is still found and listed.
  assert.ok(signatures >= 1, `osslsigncode found no signature in ${file}:\n${text}`);
  const sig = join(scratch, 'sig.der');
  rmSync(sig, { force: true });
  execFileSync(osc, ['extract-signature', '-in', file, '-out', sig], { stdio: 'pipe' });
  const extracted = readFileSync(sig);
  const bytes = readFileSync(file);
  const der = p.certificates[0]!.der!;
  const ourDer = bytes.subarray(der.offset, der.offset + der.length);
  // Quirk: osslsigncode 2.9 writes the PKCS#7 DER; 2.5 writes the raw certificate table
  // (WIN_CERTIFICATE header + DER + padding). Accept either, exactly.
  const dir = p.dataDirectories.find((d) => d.index === 4)!;
  const table = bytes.subarray(dir.rva, dir.rva + dir.size);
  if (extracted.equals(table)) assert.ok(extracted.subarray(8, 8 + der.length).equals(ourDer), 'DER inside the extracted table');
  else assert.ok(extracted.equals(ourDer), `extract-signature gave ${extracted.length} bytes, our DER is ${der.length} bytes at 0x${der.offset.toString(16)}`);
  return signatures;
}

// ---------------------------------------------------------------------------

function extraFiles(): string[] {
  const dir = process.env.DISTAUDIT_PE_EXTRA;
  if (!dir) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => withFile(f, sniff) === 'pe');
}

test('agrees with llvm-readobj, llvm-objdump and osslsigncode on every PE fixture', (t) => {
  const fx = peFixtures();
  const scratch = mkdtempSync(join(tmpdir(), 'distaudit-pe-diff-'));
  try {
    const clr = join(scratch, 'clr.dll');
    writeFileSync(clr, buildClrPe().bytes);
    const files: [string, string][] = [...(Object.entries(fx) as [PeFixture, string][]), ['clr.dll (hand-made)', clr], ...extraFiles().map((f): [string, string] => [f, f])];
    let signatures = 0;
    for (const [name, file] of files) {
      const p = withFile(file, parsePe);
      if (name in fx) assert.equal(p.certificates.length > 0, SIGNED_PE_FIXTURES.includes(name as PeFixture), `${name}: signed iff osslsigncode signed it`);
      try {
        compareWithReadobj(file, p);
        compareWithObjdump(file, p);
        signatures += compareWithOsslsigncode(file, p, scratch);
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`, { cause: e });
      }
    }
    // nested.dll carries two signatures (the second nested in the first); osslsigncode lists both.
    const nested = spawnSync(toolPath('osslsigncode'), ['verify', '-in', fx['nested.dll']], { encoding: 'utf8' });
    assert.equal([...`${nested.stdout}${nested.stderr}`.matchAll(/^Signature Index: \d+/gm)].length, 2, 'nested.dll has two signatures');
    const message = `compared ${files.length} PE files with llvm-readobj, llvm-objdump and osslsigncode (${signatures} signatures)`;
    t.diagnostic(message);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
