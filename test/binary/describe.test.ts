/**
 * The derived facts (describe.ts) on fixtures whose builds guarantee them:
 * libc kind, version floors, search paths, minimum OS, signature kind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesSource, withFile } from '../../src/binary/source.ts';
import { parseBinary } from '../../src/binary/index.ts';
import { describe, versionFloors, type BinaryFacts } from '../../src/binary/describe.ts';
import { elfFixtures } from '../fixtures/elf.ts';
import { machoFixtures } from '../fixtures/macho.ts';
import { peFixtures } from '../fixtures/pe.ts';
import { linuxFixtures } from '../fixtures/linux.ts';
import { DATA_AT, blob, codeDirectory, lc, machO64, superBlob, u32le } from './macho-builders.ts';

function factsOf(path: string): BinaryFacts[] {
  const bin = withFile(path, (src) => parseBinary(src));
  assert.ok(bin, `${path} is not a binary`);
  return describe(bin);
}

function only(path: string): BinaryFacts {
  const [f, ...rest] = factsOf(path);
  assert.ok(f && rest.length === 0);
  return f;
}

const elf = elfFixtures();
const macho = machoFixtures();
const pe = peFixtures();

test('a glibc library: libc from its GLIBC_* needs, floor from its newest symbol version', () => {
  const f = only(elf['glibc-x86_64.so']!);
  assert.deepEqual([f.format, f.arch, f.bits, f.kind, f.libc], ['elf', 'x86_64', 64, 'shared-library', 'glibc']);
  assert.equal(f.versionFloors.GLIBC, '2.36');
  assert.equal(f.libcEvidence, 'NEEDED libc.so.6');
});

test('a musl library is told from glibc by NEEDED libc.so', () => {
  const f = only(elf['musl-x86_64.so']!);
  assert.deepEqual([f.libc, f.libcEvidence, f.versionFloors], ['musl', 'NEEDED libc.so', {}]);
});

test('an Android library needs libc.so too, but its ident note makes it bionic', () => {
  const f = only(elf['android-arm64.so']!);
  assert.deepEqual(f.needed, ['libc.so']);
  assert.deepEqual([f.arch, f.libc], ['arm64', 'bionic']);
});

test('a static executable has no libc dependency to resolve', () => {
  const f = only(elf['static-x86_64']!);
  assert.deepEqual([f.libc, f.kind, f.needed, f.interpreter], ['static', 'executable', [], null]);
});

test('a PIE executable is an executable, with glibc known from its interpreter', () => {
  const f = only(elf['hello-x86_64']!);
  assert.deepEqual([f.kind, f.libc, f.interpreter], ['executable', 'glibc', '/lib64/ld-linux-x86-64.so.2']);
});

test('C++ floors are reported per family', () => {
  const f = only(elf['cxx.so']!);
  assert.equal(f.versionFloors.GLIBCXX, '3.4.21');
  assert.ok(f.versionFloors.CXXABI);
});

test('search paths split into RPATH and RUNPATH entries', () => {
  assert.deepEqual(only(elf['libconsumer.so']!).runpath, ['$ORIGIN']);
  const r = only(elf['rpath.so']!);
  assert.ok(r.rpath.length > 0 && r.runpath.length === 0);
});

test('executable stack: true when PT_GNU_STACK is RWX, false when not', () => {
  assert.equal(only(elf['execstack.so']!).executableStack, true);
  assert.equal(only(elf['glibc-x86_64.so']!).executableStack, false);
});

test('version floors keep the highest numeric version per family and ignore unnumbered ones', () => {
  assert.deepEqual(versionFloors(['GLIBC_2.2.5', 'GLIBC_2.17', 'GLIBC_2.3.4', 'GLIBC_PRIVATE', 'GCC_3.0', 'GCC_4.2.0']), { GLIBC: '2.17', GCC: '4.2.0' });
});

test('a fat Mach-O gives one set of facts per slice, each with its own signature and minimum OS', () => {
  const [x86, arm] = factsOf(macho['greet-universal.dylib']);
  assert.deepEqual([x86?.arch, x86?.signature, x86?.minOs], ['x86_64', 'none', { platform: 'macos', version: '10.15' }]);
  assert.deepEqual([arm?.arch, arm?.signature, arm?.minOs], ['arm64', 'adhoc (linker-signed)', { platform: 'macos', version: '11.0' }]);
  assert.ok((arm?.sliceOffset ?? 0) > 0);
});

test('an old deployment target comes from LC_VERSION_MIN_MACOSX', () => {
  assert.deepEqual(only(macho['greet-macos109.dylib']).minOs, { platform: 'macos', version: '10.9' });
});

test('Mach-O dependencies and rpaths are listed as the loader sees them', () => {
  const f = only(macho['usedep.dylib']);
  assert.ok(f.needed.includes('@rpath/libdep.dylib'));
  assert.ok(f.rpath.includes('@loader_path'));
  assert.equal(f.kind, 'shared-library');
  assert.equal(only(macho['demo.cpython-311-darwin.so']).kind, 'bundle');
});

function signedSlice(signature: Buffer): BinaryFacts {
  const image = machO64({ commands: [lc(0x1d, u32le(DATA_AT, signature.length))], data: signature });
  const bin = parseBinary(bytesSource(image));
  assert.ok(bin);
  const [f] = describe(bin);
  assert.ok(f);
  return f;
}

test('codesign ad-hoc (empty CMS) and CMS-signed slices are told apart from linker-signed ones', () => {
  const adhocCd = codeDirectory({ version: 0x20400, flags: 0x2, hashType: 2, hashSize: 32, pageLog2: 12, codeLimit: DATA_AT, identifier: 'adhoc', team: null, nSpecial: 2 });
  const adhoc = signedSlice(superBlob([[0, adhocCd], [2, blob(0xfade0c01, Buffer.from([0, 0, 0, 0]))], [0x10000, blob(0xfade0b01, Buffer.alloc(0))]]));
  assert.deepEqual([adhoc.signature, adhoc.teamId], ['adhoc', null]);

  const teamCd = codeDirectory({ version: 0x20500, flags: 0x10000, hashType: 2, hashSize: 32, pageLog2: 12, codeLimit: DATA_AT, identifier: 'com.example.demo', team: 'ABCDE12345', nSpecial: 2 });
  const cms = blob(0xfade0b01, Buffer.from([0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]));
  const signed = signedSlice(superBlob([[0, teamCd], [0x10000, cms]]));
  assert.deepEqual([signed.signature, signed.teamId], ['cms (unverified)', 'ABCDE12345']);
});

test('PE: delay-loaded DLLs are needed too, and marked', () => {
  const f = only(pe['delay.dll']);
  assert.deepEqual(f.delayLoaded, ['dep.dll']);
  assert.ok(f.needed.includes('dep.dll') && f.needed.includes('KERNEL32.dll'));
});

test('PE: bitness from the optional header, signature from the certificate table', () => {
  assert.deepEqual([only(pe['x86.dll']).bits, only(pe['x86.dll']).arch], [32, 'i386']);
  assert.equal(only(pe['signed.dll']).signature, 'authenticode (unverified)');
  assert.equal(only(pe['x64.dll']).signature, 'none');
  assert.equal(only(pe['hello.exe']).kind, 'executable');
});

test('a musl library that needs GLIBC_2.0 from a bundled libgcc_s is still musl (libgcc_s defines GLIBC_* nodes in musl builds too)', () => {
  const f = only(linuxFixtures()['ext-musl-unwind.so']!);
  assert.equal(f.libc, 'musl');
  assert.match(f.libcEvidence ?? '', /^NEEDED libc\.(so|musl-x86_64\.so\.1)$/);
});
