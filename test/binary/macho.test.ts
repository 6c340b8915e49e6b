/**
 * parseMachO on the fixtures built from native/macho/: concrete values that the
 * sources and link commands in test/fixtures/macho.ts guarantee.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bytesSource, withFile } from '../../src/binary/source.ts';
import { parseMachO, type MachOFile, type MachOSlice } from '../../src/binary/macho/parse.ts';
import { machoFixtures, type MachOFixture } from '../fixtures/macho.ts';

const fx = machoFixtures();
const parse = (name: MachOFixture): MachOFile => withFile(fx[name], parseMachO);
const thin = (name: MachOFixture): MachOSlice => {
  const m = parse(name);
  assert.equal(m.fat, null);
  assert.equal(m.slices.length, 1);
  assert.deepEqual(m.anomalies, []);
  return m.slices[0]!;
};
const symbol = (s: MachOSlice, name: string) => {
  const sym = s.symbols.find((x) => x.name === name);
  assert.ok(sym, `symbol ${name}`);
  return sym;
};
const LIBSYSTEM = { kind: 'load', name: '/usr/lib/libSystem.B.dylib', timestamp: 0, currentVersion: '1311.100.3', compatibilityVersion: '1.0.0' };

test('reads an unsigned x86_64 dylib: header, install name, libSystem dependency, LC_BUILD_VERSION', () => {
  const s = thin('greet-x86_64.dylib');
  assert.equal(s.offset, 0);
  assert.equal(s.size, readFileSync(fx['greet-x86_64.dylib']).length);
  assert.deepEqual(
    [s.magic, s.bits, s.endianness, s.cputype, s.cputypeName, s.cpusubtype, s.cpusubtypeName, s.capabilities, s.arch],
    ['MH_MAGIC_64', 64, 'little', 0x01000007, 'CPU_TYPE_X86_64', 3, 'CPU_SUBTYPE_X86_64_ALL', 0, 'x86_64'],
  );
  assert.deepEqual([s.filetype, s.filetypeName], [6, 'MH_DYLIB']);
  assert.ok(s.flagNames.includes('MH_TWOLEVEL') && s.flagNames.includes('MH_WEAK_DEFINES'), s.flagNames.join());
  assert.deepEqual(s.id, { name: '/usr/local/lib/libgreet.dylib', timestamp: 0, currentVersion: '1.2.3', compatibilityVersion: '1.0.0' });
  assert.deepEqual(s.dylibs, [LIBSYSTEM]);
  assert.deepEqual(s.buildVersions, [{ platform: 1, platformName: 'macos', minos: '10.15.0', sdk: '11.0.0', tools: [{ tool: 3, toolName: 'ld', version: '14.0.6' }] }]);
  assert.deepEqual(s.versionMins, []);
  assert.match(s.uuid ?? '', /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  assert.equal(s.codeSignature, null);
  assert.equal(s.loadCommands.length, s.ncmds);
  assert.deepEqual(s.loadCommands[0], { cmd: 0x19, name: 'LC_SEGMENT_64', offset: 32, size: s.loadCommands[0]!.size });
  assert.deepEqual(s.segments.map((g) => g.segname), ['__TEXT', '__DATA_CONST', '__DATA', '__LINKEDIT']);
  const text = s.segments[0]!;
  assert.deepEqual([text.maxprotName, text.initprotName, text.sections[0]!.sectname, text.sections[0]!.typeName], ['r-x', 'r-x', '__text', 'S_REGULAR']);
  assert.ok(text.sections[0]!.attributeNames.includes('S_ATTR_PURE_INSTRUCTIONS'));
  assert.deepEqual(s.linkeditData.map((d) => d.name), ['LC_FUNCTION_STARTS', 'LC_DATA_IN_CODE']);
  assert.ok(s.dyldInfo && s.dyldInfo.cmd === 0x80000022 && s.dyldInfo.export.length > 0);
});

test('classifies the symbols of a dylib: exported, hidden, weak definition, imports bound to libSystem', () => {
  const s = thin('greet-x86_64.dylib');
  assert.equal(s.stabCount, 0);
  const answer = symbol(s, '_greet_answer');
  assert.deepEqual([answer.type, answer.external, answer.defined, answer.libraryOrdinal], ['SECT', true, true, null]);
  const sections = s.segments.flatMap((g) => g.sections);
  assert.equal(sections[answer.sectionIndex - 1]!.sectname, '__text');
  assert.equal(symbol(s, '_greet_hook').weakDef, true);
  // A hidden function becomes a local (non-external) symbol in the linked image.
  assert.equal(symbol(s, '_greet_hidden').external, false);
  for (const name of ['_malloc', '_strlen', 'dyld_stub_binder']) {
    const u = symbol(s, name);
    assert.deepEqual([u.type, u.defined, u.libraryOrdinal, u.library, u.value], ['UNDF', false, 1, '/usr/lib/libSystem.B.dylib', 0]);
  }
});

test('reads an ad-hoc linker-signed arm64 dylib', () => {
  const s = thin('greet-arm64.dylib');
  assert.equal(s.arch, 'arm64');
  assert.deepEqual(s.buildVersions.map((b) => [b.platformName, b.minos, b.sdk]), [['macos', '11.0.0', '12.0.0']]);
  const cs = s.codeSignature;
  assert.ok(cs);
  const sigCmd = s.linkeditData.find((d) => d.name === 'LC_CODE_SIGNATURE')!;
  assert.deepEqual(cs.range, sigCmd.range);
  assert.deepEqual(cs.superBlob && [cs.superBlob.magic, cs.superBlob.count, cs.superBlob.index.map((e) => e.typeName)], [0xfade0cc0, 1, ['CSSLOT_CODEDIRECTORY']]);
  assert.equal(cs.codeDirectories.length, 1);
  const cd = cs.codeDirectories[0]!;
  assert.deepEqual(
    [cd.slotType, cd.versionHex, cd.flagNames, cd.hashTypeName, cd.hashSize, cd.pageSize, cd.identifier, cd.teamId, cd.nSpecialSlots, cd.platform],
    [0, '0x20400', ['ADHOC', 'LINKER_SIGNED'], 'sha256', 32, 4096, 'greet-arm64.dylib', null, 0, 0],
  );
  // The signature covers everything before itself.
  assert.equal(cd.codeLimit, sigCmd.range.offset);
  assert.equal(cd.nCodeSlots, Math.ceil(cd.codeLimit / 4096));
  assert.deepEqual([cd.execSegBase, cd.execSegLimit, cd.execSegFlagNames], [0, s.segments[0]!.filesize, []]);
  assert.equal(cd.runtime, undefined);
  assert.deepEqual([cs.cms, cs.requirements, cs.entitlements, cs.derEntitlements], [null, null, null, null]);
});

for (const [name, magic] of [['greet-universal.dylib', 'FAT_MAGIC'], ['greet-universal64.dylib', 'FAT_MAGIC_64']] as const) {
  test(`splits a ${magic} universal dylib into x86_64 and arm64 slices with slice-relative offsets`, () => {
    const m = parse(name);
    assert.deepEqual(m.anomalies, []);
    assert.ok(m.fat);
    assert.equal(m.fat.magic, magic);
    assert.equal(m.fat.nfatArch, 2);
    const x86 = readFileSync(fx['greet-x86_64.dylib']);
    const arm = readFileSync(fx['greet-arm64.dylib']);
    assert.deepEqual(
      m.fat.arches.map((a) => [a.arch, a.cputype, a.cpusubtype, a.size, a.align, a.valid]),
      [
        ['x86_64', 0x01000007, 3, x86.length, 12, true],
        ['arm64', 0x0100000c, 0, arm.length, 14, true],
      ],
    );
    assert.deepEqual(m.slices.map((s) => [s.arch, s.offset, s.size]), m.fat.arches.map((a) => [a.arch, a.offset, a.size]));
    // Each slice parses exactly like the thin file it was made from.
    const [sx, sa] = m.slices as [MachOSlice, MachOSlice];
    const tx = thin('greet-x86_64.dylib');
    const ta = thin('greet-arm64.dylib');
    assert.deepEqual({ ...sx, offset: 0 }, tx);
    assert.deepEqual({ ...sa, offset: 0 }, ta);
    // Slice-relative: the CodeDirectory range read at slice.offset + range.offset gives the CD magic.
    const file = readFileSync(fx[name]);
    const cd = sa.codeSignature!.codeDirectories[0]!;
    assert.equal(file.readUInt32BE(sa.offset + cd.range.offset), 0xfade0c02);
  });
}

test('reports LC_VERSION_MIN_MACOSX (not LC_BUILD_VERSION) for a macOS 10.9 deployment target', () => {
  const s = thin('greet-macos109.dylib');
  assert.deepEqual(s.versionMins, [{ kind: 'macos', version: '10.9.0', sdk: '10.9.0' }]);
  assert.deepEqual(s.buildVersions, []);
});

test('names arm64e from cpusubtype 2 and keeps the PTRAUTH capability bits apart', () => {
  const s = thin('greet-arm64e.dylib');
  assert.deepEqual([s.arch, s.cpusubtype, s.cpusubtypeName, s.capabilities], ['arm64e', 2, 'CPU_SUBTYPE_ARM64E', 0x80]);
  assert.equal(s.codeSignature, null);
});

test('reads a 32-bit arm64_32 watchOS dylib (LC_SEGMENT, 12-byte nlist, LC_ENCRYPTION_INFO)', () => {
  const s = thin('greet-arm64_32.dylib');
  assert.deepEqual([s.magic, s.bits, s.arch, s.cputype, s.cpusubtypeName], ['MH_MAGIC', 32, 'arm64_32', 0x0200000c, 'CPU_SUBTYPE_ARM64_32_V8']);
  assert.deepEqual(s.buildVersions.map((b) => [b.platformName, b.minos, b.sdk]), [['watchos', '7.0.0', '8.0.0']]);
  assert.ok(s.loadCommands.every((l) => l.name !== 'LC_SEGMENT_64'));
  assert.deepEqual(s.encryption, { cmd: 0x21, cryptoff: 16384, cryptsize: 16384, cryptid: 0, encrypted: false });
  assert.deepEqual(symbol(s, '_strlen').library, '/usr/lib/libSystem.B.dylib');
  assert.equal(s.codeSignature?.codeDirectories[0]?.identifier, 'greet-arm64_32.dylib');
});

for (const name of ['greet-i386.o', 'greet-x86_64.o'] as const) {
  test(`reads an object file (${name}): common symbol, private external, no library ordinals`, () => {
    const s = thin(name);
    assert.equal(s.filetypeName, 'MH_OBJECT');
    assert.equal(s.arch, name === 'greet-i386.o' ? 'i386' : 'x86_64');
    assert.equal(s.bits, name === 'greet-i386.o' ? 32 : 64);
    assert.deepEqual(s.dylibs, []);
    assert.equal(s.id, null);
    const common = symbol(s, '_greet_tentative');
    assert.deepEqual([common.type, common.common, common.defined, common.value], ['UNDF', true, false, 4]);
    const hidden = symbol(s, '_greet_hidden');
    assert.deepEqual([hidden.external, hidden.privateExternal], [true, true]);
    assert.equal(symbol(s, '_greet_hook').weakDef, true);
    const malloc = symbol(s, '_malloc');
    assert.deepEqual([malloc.defined, malloc.libraryOrdinal, malloc.library], [false, null, null]);
    // Object files have one unnamed segment holding every section.
    assert.deepEqual(s.segments.map((g) => g.segname), ['']);
    assert.ok(s.segments[0]!.sections.some((x) => x.sectname === '__text' && x.nreloc > 0));
  });
}

test('follows an @rpath dependency: LC_RPATH @loader_path, versions of libdep, a weak import', () => {
  const s = thin('usedep.dylib');
  assert.deepEqual(s.id?.name, '@rpath/libusedep.dylib');
  assert.deepEqual(s.rpaths, ['@loader_path', '@loader_path/../lib']);
  assert.deepEqual(s.dylibs, [{ kind: 'load', name: '@rpath/libdep.dylib', timestamp: 0, currentVersion: '2.3.4', compatibilityVersion: '2.0.0' }, LIBSYSTEM]);
  const dv = symbol(s, '_dep_value');
  assert.deepEqual([dv.libraryOrdinal, dv.library, dv.weakRef], [1, '@rpath/libdep.dylib', false]);
  const opt = symbol(s, '_dep_optional');
  assert.deepEqual([opt.libraryOrdinal, opt.library, opt.weakRef], [1, '@rpath/libdep.dylib', true]);
  assert.equal(symbol(s, 'dyld_stub_binder').libraryOrdinal, 2);
  const dep = thin('libdep.dylib');
  assert.deepEqual(dep.id, { name: '@rpath/libdep.dylib', timestamp: 0, currentVersion: '2.3.4', compatibilityVersion: '2.0.0' });
});

test('reports an absolute non-system install name and a dependency on it', () => {
  assert.equal(thin('libfoo.dylib').id?.name, '/opt/homebrew/lib/libfoo.dylib');
  const s = thin('usefoo.dylib');
  assert.deepEqual(s.dylibs.map((d) => [d.kind, d.name]), [['load', '@rpath/libdep.dylib'], ['load', '/opt/homebrew/lib/libfoo.dylib'], ['load', '/usr/lib/libSystem.B.dylib']]);
  assert.equal(symbol(s, '_foo_version').library, '/opt/homebrew/lib/libfoo.dylib');
});

test('tells weak, re-exported, upward and lazy dylibs apart', () => {
  assert.deepEqual(thin('weak.dylib').dylibs.map((d) => [d.kind, d.name]), [['weak', '@rpath/libdep.dylib'], ['load', '/usr/lib/libSystem.B.dylib']]);
  // ld64.lld 14 writes an LC_LOAD_DYLIB and an LC_REEXPORT_DYLIB for -reexport_library.
  assert.deepEqual(thin('reexport.dylib').dylibs.map((d) => [d.kind, d.name]), [['load', '@rpath/libdep.dylib'], ['reexport', '@rpath/libdep.dylib'], ['load', '/usr/lib/libSystem.B.dylib']]);
  const ul = thin('upward-lazy.dylib');
  assert.deepEqual(ul.dylibs.map((d) => [d.kind, d.name]), [['upward', '@rpath/libdep.dylib'], ['lazy', '/opt/homebrew/lib/libfoo.dylib'], ['load', '/usr/lib/libSystem.B.dylib']]);
  assert.equal(symbol(ul, '_foo_version').library, '/opt/homebrew/lib/libfoo.dylib');
});

test('reads a Python-extension bundle whose CPython imports are looked up dynamically (ordinal 0xfe)', () => {
  const s = thin('demo.cpython-311-darwin.so');
  assert.deepEqual([s.filetype, s.filetypeName, s.id], [8, 'MH_BUNDLE', null]);
  assert.equal(symbol(s, '_PyInit_demo').defined, true);
  const api = symbol(s, '_PyModule_Create2');
  assert.deepEqual([api.defined, api.libraryOrdinal, api.library], [false, 0xfe, null]);
});

test('reads an executable: LC_MAIN, /usr/lib/dyld, MH_PIE, __PAGEZERO', () => {
  const s = thin('hello');
  assert.equal(s.filetypeName, 'MH_EXECUTE');
  assert.ok(s.flagNames.includes('MH_PIE'));
  assert.equal(s.dylinker, '/usr/lib/dyld');
  const text = s.segments.find((g) => g.segname === '__TEXT')!;
  const main = symbol(s, '_main');
  // entryoff is a file offset; __TEXT maps the file from offset 0.
  assert.deepEqual(s.entry, { entryoff: main.value! - text.vmaddr, stacksize: 0 });
  assert.deepEqual([s.segments[0]!.segname, s.segments[0]!.vmaddr, s.segments[0]!.vmsize, s.segments[0]!.filesize], ['__PAGEZERO', 0, 0x100000000, 0]);
  assert.deepEqual(s.codeSignature?.codeDirectories[0]?.execSegFlagNames, ['MAIN_BINARY']);
});

test('reads LC_ENCRYPTION_INFO_64 and the LIB64 capability of an x86_64 executable', () => {
  const s = thin('hello-x86_64');
  assert.deepEqual(s.encryption, { cmd: 0x2c, cryptoff: 4096, cryptsize: 8192, cryptid: 0, encrypted: false });
  assert.equal(s.capabilities, 0x80);
});

test('results are plain JSON data and do not depend on the kind of byte source', () => {
  for (const name of Object.keys(fx) as MachOFixture[]) {
    const viaFile = parse(name);
    assert.deepEqual(JSON.parse(JSON.stringify(viaFile)), viaFile, name);
    // A Buffer from a larger pool, to catch reads through `.buffer` without byteOffset.
    const bytes = readFileSync(fx[name]);
    const pooled = Buffer.concat([Buffer.alloc(13, 0xee), bytes, Buffer.alloc(7, 0xee)]).subarray(13, 13 + bytes.length);
    assert.deepEqual(parseMachO(bytesSource(pooled)), viaFile, name);
  }
});

test('reads a big-endian (ppc) Mach-O header and its load commands', () => {
  // mach_header (28 bytes, big-endian) + LC_UUID (24) + LC_LOAD_DYLIB (24 + name).
  const name = '/usr/lib/libSystem.B.dylib\0\0';
  const b = Buffer.alloc(28 + 24 + 24 + name.length);
  b.writeUInt32BE(0xfeedface, 0);
  b.writeInt32BE(18, 4); // CPU_TYPE_POWERPC
  b.writeUInt32BE(0, 8);
  b.writeUInt32BE(2, 12); // MH_EXECUTE
  b.writeUInt32BE(2, 16);
  b.writeUInt32BE(b.length - 28, 20);
  b.writeUInt32BE(0x85, 24);
  b.writeUInt32BE(0x1b, 28);
  b.writeUInt32BE(24, 32);
  b.fill(0xab, 36, 52);
  b.writeUInt32BE(0xc, 52);
  b.writeUInt32BE(24 + name.length, 56);
  b.writeUInt32BE(24, 60);
  b.writeUInt32BE(2, 64);
  b.writeUInt32BE(0x00580102, 68);
  b.writeUInt32BE(0x00010000, 72);
  b.write(name, 76, 'latin1');
  const m = parseMachO(bytesSource(b));
  assert.deepEqual(m.anomalies, []);
  const s = m.slices[0]!;
  assert.deepEqual([s.magic, s.bits, s.endianness, s.arch, s.filetypeName], ['MH_MAGIC', 32, 'big', 'ppc', 'MH_EXECUTE']);
  assert.equal(s.uuid, 'ABABABAB-ABAB-ABAB-ABAB-ABABABABABAB');
  assert.deepEqual(s.dylibs, [{ kind: 'load', name: '/usr/lib/libSystem.B.dylib', timestamp: 2, currentVersion: '88.1.2', compatibilityVersion: '1.0.0' }]);
});
