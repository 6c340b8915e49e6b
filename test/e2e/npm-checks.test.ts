/**
 * Every check that applies to npm packages and bare `.node` files, end to
 * end: for each check id of every rule whose kinds include 'npm' or
 * 'node-addon', one real artifact that has the defect and a clean twin of the
 * same shape without it, each audited by `auditFile` — the tarball reader,
 * binary parsing, the npm model and the targets its prebuild directories,
 * package fields or binaries' own facts claim, and every rule, as `distaudit
 * audit` runs them.
 *
 * The packages are npm tarballs written byte for byte (test/fixtures/npm.ts
 * `npmTarball`: `package/`-prefixed ustar in gzip, as `npm pack` writes) or
 * packed from a directory by `npm pack` itself (the `packed` cases), around
 * the addons of test/fixtures/{npm,node-addon}.ts and the Linux, macOS and
 * Windows binaries of test/fixtures/{linux,macos-wheel,windows-wheel}.ts,
 * placed where a layout claims their platform: `prebuilds/<platform>-<arch>/`
 * with prebuildify tags, a platform package's os / cpu / libc, or nowhere
 * (the binary's own facts make the target). Hostile archives are the tarball
 * reader's own cases (test/artifact/tar-hostile.test.ts).
 *
 * The defective artifact must produce a finding of the check (naming the
 * culprit entry when there is one); the twin must produce none of that check.
 * Three archive checks cannot arise in a tarball (see NOT_IN_TARBALLS); the
 * last test fails when any other check of these rules has no case here.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EOA, BLOCK, file as tarFile, gz, gzBadCrc, header, tar } from '../artifact/tar-helpers.ts';
import { npmFixtures, npmTarball, packageJson, type PackageFiles } from '../fixtures/npm.ts';
import { nodeAddonFixtures } from '../fixtures/node-addon.ts';
import { linuxFixtures } from '../fixtures/linux.ts';
import { macosWheelFixtures } from '../fixtures/macos-wheel.ts';
import { windowsWheelFixtures } from '../fixtures/windows-wheel.ts';
import { testCheckTable, testTableCovers, type CheckCase, type Make } from './check-table.ts';

// ---------------------------------------------------------------------------
// Fixtures (built once per machine and cached by test/support/fixture-builder.ts)

const read = (path: string | undefined): Buffer => {
  if (path === undefined) throw new Error('no such fixture');
  return readFileSync(path);
};
const npmFx = npmFixtures();
const addonFx = nodeAddonFixtures();
const linuxFx = linuxFixtures();
const macFx = macosWheelFixtures();
const winFx = windowsWheelFixtures();
/** test/fixtures/npm.ts */
const nx = (name: keyof typeof npmFx) => read(npmFx[name]);
/** test/fixtures/node-addon.ts */
const ax = (name: keyof typeof addonFx) => read(addonFx[name]);
/** test/fixtures/linux.ts */
const lx = (name: string) => read(linuxFx[name]);
const mac = (name: string) => read(macFx[name as keyof typeof macFx]);
const win = (name: string) => read(winFx[name as keyof typeof winFx]);

/** A clean Node-API addon: x86_64 glibc, declares 9, imports Node-API 1, nothing glibc-only. */
const NAPI = () => ax('gyp/declared9.node');

// ---------------------------------------------------------------------------
// Artifacts

const TGZ = 'demo-addon-1.2.3.tgz';

/** An npm tarball with package.json (`pj` fields over name and version) and `files`. */
function pkg(files: PackageFiles, pj: Record<string, unknown> = {}): Make {
  return () => ({ filename: TGZ, bytes: npmTarball({ 'package.json': packageJson(pj), ...files }) });
}

/** The same package, packed from a directory by `npm pack` (scripts ignored). */
function packed(files: PackageFiles, pj: Record<string, unknown> = {}): Make {
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'npm-pack-'));
    try {
      const src = join(dir, 'src');
      for (const [p, v] of Object.entries({ 'package.json': packageJson(pj), ...files })) {
        mkdirSync(dirname(join(src, p)), { recursive: true });
        writeFileSync(join(src, p), v);
      }
      execFileSync('npm', ['pack', src, '--ignore-scripts', '--pack-destination', dir, '--loglevel', 'error'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
      return { filename: TGZ, bytes: readFileSync(join(dir, tgz)) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** Raw tarball bytes. */
function raw(bytes: () => Buffer, filename = TGZ): Make {
  return () => ({ filename, bytes: bytes() });
}

/** A bare `.node` upload. */
function bare(bytes: () => Buffer, filename = 'demo.node'): Make {
  return () => ({ filename, bytes: bytes() });
}

const PJ = () => tarFile('package/package.json', packageJson());
const JS = () => tarFile('package/index.js', 'module.exports = 1\n');
const LX64 = 'prebuilds/linux-x64';
const DARWIN = 'prebuilds/darwin-arm64';
const WIN64 = 'prebuilds/win32-x64';
/** The engines range where Node 12–17 (glibc 2.17, manylinux2014's blacklist) are admitted. */
const OLD_NODE = { engines: { node: '>=16' } };

/** The eight common platforms, each with a prebuild (the untagged Linux builds count for musl too). */
const ALL_PLATFORMS = (): PackageFiles => ({
  [`${LX64}/demo.node`]: NAPI(),
  'prebuilds/linux-arm64/demo.node': ax('arm64/declared9.node'),
  'prebuilds/darwin-x64+arm64/demo.node': ax('macho/declared9-universal.node'),
  [`${WIN64}/demo.node`]: ax('pe/tsfn-x64.node'),
  'prebuilds/win32-arm64/demo.node': ax('pe/declared9-arm64.node'),
});

// ---------------------------------------------------------------------------
// The table: one defective artifact and one clean twin per check

/** Archive checks a tarball cannot raise: the problems of zip's own structures. */
const NOT_IN_TARBALLS: Record<string, string> = {
  'archive.encrypted-entry': 'tar has no encryption flag (zip\'s general-purpose bit 0)',
  'archive.overlapping-entries': 'tar entries follow each other; only a zip central directory can point two entries at the same bytes',
  'archive.leading-data': 'a tar stream starts with its first header (bytes before it make it no tarball: archive.unreadable)',
};

const CLEAN = pkg({ 'index.js': 'module.exports = 1\n' });

const CASES: CheckCase[] = [
  // --- archive (src/rules/archive/archive.ts), the tarball reader's cases
  { check: 'archive.unreadable', defect: 'a .tgz that is a shell script', bad: raw(() => Buffer.from('#!/bin/sh\necho not a tarball\n'.repeat(40))), file: null, twin: 'a packed tarball', clean: CLEAN },
  { check: 'archive.path-traversal', defect: 'an entry named package/../../evil.js', bad: raw(() => gz(tar(PJ(), tarFile('package/../../evil.js', 'x')))), file: 'package/../../evil.js', twin: 'package/evil.js', clean: raw(() => gz(tar(PJ(), tarFile('package/evil.js', 'x')))) },
  { check: 'archive.invalid-name', defect: 'a name with a control character', bad: raw(() => gz(tar(PJ(), tarFile('package/a\x01b.js', 'x')))), twin: 'package/ab.js', clean: raw(() => gz(tar(PJ(), tarFile('package/ab.js', 'x')))) },
  { check: 'archive.symlink', defect: 'package/libfoo.so, a symlink to /etc/shadow', bad: raw(() => gz(tar(PJ(), header({ name: 'package/libfoo.so', type: '2', linkname: '../../../../etc/shadow', mode: 0o777 })))), file: 'package/libfoo.so', twin: 'no link', clean: raw(() => gz(tar(PJ(), JS()))) },
  { check: 'archive.special-file', defect: 'a character device', bad: raw(() => gz(tar(PJ(), header({ name: 'package/dev', type: '3' })))), file: 'package/dev', twin: 'no device', clean: raw(() => gz(tar(PJ(), JS()))) },
  { check: 'archive.duplicate-entry', defect: 'package/index.js twice', bad: raw(() => gz(tar(PJ(), JS(), JS()))), file: 'package/index.js', twin: 'once', clean: raw(() => gz(tar(PJ(), JS()))) },
  { check: 'archive.case-collision', defect: 'package/Index.js beside package/index.js', bad: raw(() => gz(tar(PJ(), JS(), tarFile('package/Index.js', 'y')))), twin: 'index.js and other.js', clean: raw(() => gz(tar(PJ(), JS(), tarFile('package/other.js', 'y')))) },
  { check: 'archive.unsupported-compression', defect: 'a zstd-compressed tarball named .tgz', bad: raw(() => Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0, 1, 2, 3, 4])), file: null, twin: 'gzip', clean: CLEAN },
  { check: 'archive.entry-too-large', defect: 'a 64 KiB entry over a 32 KiB limit', bad: raw(() => gz(tar(PJ(), tarFile('package/big.bin', Buffer.alloc(64 * 1024, 1))))), file: 'package/big.bin', twin: 'a 16 KiB entry', clean: raw(() => gz(tar(PJ(), tarFile('package/big.bin', Buffer.alloc(16 * 1024, 1))))), limits: { maxEntrySize: 32 * 1024 } },
  { check: 'archive.compression-ratio', defect: '4 MiB of zeros past a 100:1 ratio limit', bad: raw(() => gz(tar(PJ(), tarFile('package/zeros.bin', Buffer.alloc(4 << 20))))), twin: 'random bytes', clean: raw(() => gz(tar(PJ(), tarFile('package/zeros.bin', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)))))), limits: { maxRatio: 100, ratioFloor: 64 * 1024 } },
  { check: 'archive.total-too-large', defect: '3 × 40 KiB over a 100 KiB total', bad: raw(() => gz(tar(PJ(), ...[1, 2, 3].map((i) => tarFile(`package/f${i}.bin`, Buffer.alloc(40 * 1024, i)))))), twin: '2 × 40 KiB', clean: raw(() => gz(tar(PJ(), ...[1, 2].map((i) => tarFile(`package/f${i}.bin`, Buffer.alloc(40 * 1024, i)))))), limits: { maxTotalSize: 100 * 1024 } },
  { check: 'archive.too-many-entries', defect: '4 entries over a limit of 3', bad: raw(() => gz(tar(PJ(), ...[1, 2, 3].map((i) => tarFile(`package/f${i}.js`, 'x'))))), twin: '3 entries', clean: raw(() => gz(tar(PJ(), ...[1, 2].map((i) => tarFile(`package/f${i}.js`, 'x'))))), limits: { maxEntries: 3 } },
  { check: 'archive.header-mismatch', defect: 'a regular file with a link target: npm skips its header and extracts what hides in its data', bad: raw(() => { const inner = tarFile('package/hidden.node', 'smuggled'); return gz(tar(PJ(), header({ name: 'package/README.md', size: inner.length, linkname: 'x' }), inner)); }), twin: 'plain files', clean: raw(() => gz(tar(PJ(), JS()))) },
  { check: 'archive.corrupt-entry', defect: 'a gzip CRC that does not match the data', bad: raw(() => gzBadCrc(tar(PJ(), JS()))), twin: 'the right CRC', clean: raw(() => gz(tar(PJ(), JS()))) },
  { check: 'archive.trailing-data', defect: 'garbage after the gzip stream', bad: raw(() => Buffer.concat([gz(tar(PJ(), JS())), Buffer.from('GARBAGE AFTER THE STREAM')])), twin: 'nothing after it', clean: raw(() => gz(tar(PJ(), JS()))) },
  { check: 'archive.hidden-data', defect: 'a lone zero block between two entries (npm reads on, GNU tar stops)', bad: raw(() => Buffer.concat([PJ(), Buffer.alloc(BLOCK), JS(), EOA])), twin: 'no gap', clean: raw(() => Buffer.concat([PJ(), JS(), EOA])) },

  // --- binary (src/rules/binary/)
  { check: 'binary.unparsable', defect: 'an addon cut to 40 bytes (an ELF header that ends early)', bad: pkg({ [`${LX64}/demo.node`]: NAPI().subarray(0, 40) }), file: `package/${LX64}/demo.node`, twin: 'the whole addon', clean: pkg({ [`${LX64}/demo.node`]: NAPI() }) },
  { check: 'binary.format-mismatch', defect: 'a Mach-O addon in prebuilds/linux-arm64/', bad: pkg({ 'prebuilds/linux-arm64/demo.node': ax('macho/declared9-arm64.node') }), file: 'package/prebuilds/linux-arm64/demo.node', twin: 'an ELF aarch64 build there', clean: pkg({ 'prebuilds/linux-arm64/demo.node': ax('arm64/declared9.node') }) },
  { check: 'binary.arch-mismatch', defect: 'an x86_64 addon in prebuilds/linux-arm64/', bad: pkg({ 'prebuilds/linux-arm64/demo.node': NAPI() }), file: 'package/prebuilds/linux-arm64/demo.node', twin: 'the aarch64 build', clean: pkg({ 'prebuilds/linux-arm64/demo.node': ax('arm64/declared9.node') }) },

  // --- elf (src/rules/linux/elf-checks.ts), judged against Node's own floors
  { check: 'elf.libc-mismatch', defect: 'a glibc build tagged musl', bad: pkg({ [`${LX64}/demo.musl.node`]: nx('x64/fortify.node') }), file: `package/${LX64}/demo.musl.node`, twin: 'a musl build tagged musl', clean: pkg({ [`${LX64}/demo.musl.node`]: ax('musl/tsfn.node') }) },
  { check: 'elf.isa-level', defect: 'an x86-64-v3 build', bad: pkg({ [`${LX64}/demo.node`]: lx('ext-isa-v3.so') }), file: `package/${LX64}/demo.node`, twin: 'the baseline build', clean: pkg({ [`${LX64}/demo.node`]: lx('ext-plain.so') }) },
  { check: 'elf.symbol-version-too-new', defect: 'arc4random@GLIBC_2.36 in a package for Node >=20 (whose builds need 2.28)', bad: pkg({ [`${LX64}/demo.node`]: nx('x64/glibc236.node') }, { engines: { node: '>=20' } }), file: `package/${LX64}/demo.node`, twin: 'an addon needing GLIBC_2.2.5', clean: pkg({ [`${LX64}/demo.node`]: NAPI() }, { engines: { node: '>=20' } }) },
  { check: 'elf.blacklisted-symbol', defect: '__cxa_thread_atexit_impl where Node 16 (glibc 2.17) is admitted', bad: pkg({ [`${LX64}/demo.node`]: lx('ext-blacklist.so') }, OLD_NODE), file: `package/${LX64}/demo.node`, twin: 'the weak reference', clean: pkg({ [`${LX64}/demo.node`]: lx('ext-blacklist-weak.so') }, OLD_NODE) },
  { check: 'elf.executable-stack', defect: 'PT_GNU_STACK RWE', bad: pkg({ [`${LX64}/demo.node`]: lx('ext-execstack.so') }), file: `package/${LX64}/demo.node`, twin: 'a non-executable stack', clean: pkg({ [`${LX64}/demo.node`]: lx('ext-plain.so') }) },

  // --- deps (src/rules/linux/deps.ts)
  { check: 'deps.missing-library', defect: 'NEEDED libdemo.so.1, not shipped', bad: pkg({ [`${LX64}/demo.node`]: nx('x64/uses-dep.node') }), file: `package/${LX64}/demo.node`, twin: 'libdemo.so.1 beside it (RUNPATH $ORIGIN)', clean: pkg({ [`${LX64}/demo.node`]: nx('x64/uses-dep.node'), [`${LX64}/libdemo.so.1`]: nx('x64/libdemo.so.1') }) },
  { check: 'deps.libpython-linked', defect: 'NEEDED libpython3.11.so.1.0', bad: pkg({ [`${LX64}/demo.node`]: lx('ext-embed.so') }), file: `package/${LX64}/demo.node`, twin: 'no libpython', clean: pkg({ [`${LX64}/demo.node`]: lx('ext-plain.so') }) },
  { check: 'deps.non-portable-rpath', defect: 'RUNPATH /home/runner/work/demo/build/Release:$ORIGIN', bad: pkg({ [`${LX64}/demo.node`]: nx('x64/uses-dep-abs.node'), [`${LX64}/libdemo.so.1`]: nx('x64/libdemo.so.1') }), file: `package/${LX64}/demo.node`, twin: 'RUNPATH $ORIGIN', clean: pkg({ [`${LX64}/demo.node`]: nx('x64/uses-dep.node'), [`${LX64}/libdemo.so.1`]: nx('x64/libdemo.so.1') }) },

  // --- soname (src/rules/linux/soname.ts): an addon whose own facts make the target, with RUNPATH $ORIGIN/../demo.libs
  { check: 'soname.needed-mismatch', defect: 'NEEDED libfoo.so.1 found as a file whose SONAME is libfoo.so.1.0.0', bad: pkg({ 'lib/chain.node': lx('chain-runpath.so'), 'demo.libs/libfoo.so.1': lx('libfoo-wrong-soname.so.1'), 'demo.libs/libbar.so.2': lx('libbar.so.2') }), file: 'package/lib/chain.node', twin: 'the SONAME matches', clean: pkg({ 'lib/chain.node': lx('chain-runpath.so'), 'demo.libs/libfoo.so.1': lx('libfoo.so.1'), 'demo.libs/libbar.so.2': lx('libbar.so.2') }) },
  { check: 'soname.duplicate', defect: 'two different libfoo.so.1 in one directory', bad: pkg({ 'lib/chain.node': lx('chain-runpath.so'), 'demo.libs/libfoo.so.1': lx('libfoo.so.1'), 'demo.libs/libfoo-copy.so.1': lx('libfoo-bare.so.1'), 'demo.libs/libbar.so.2': lx('libbar.so.2') }), twin: 'one', clean: pkg({ 'lib/chain.node': lx('chain-runpath.so'), 'demo.libs/libfoo.so.1': lx('libfoo.so.1'), 'demo.libs/libbar.so.2': lx('libbar.so.2') }) },
  { check: 'soname.unversioned-needed', defect: 'NEEDED libfoo.so, not shipped', bad: pkg({ [`${LX64}/demo.node`]: lx('ext-dev.so') }), file: `package/${LX64}/demo.node`, twin: 'libfoo.so shipped beside it', clean: pkg({ [`${LX64}/demo.node`]: lx('ext-dev.so'), [`${LX64}/libfoo.so`]: lx('libfoo-dev.so'), [`${LX64}/libbar.so.2`]: lx('libbar.so.2') }) },
  { check: 'soname.not-unique', defect: 'a bundled libssl.so.3', bad: pkg({ 'lib/ssl.node': lx('ext-ssl.so'), 'demo.libs/libssl.so.3': lx('libssl.so.3') }), file: 'package/demo.libs/libssl.so.3', twin: 'libssl-1a2b3c4d.so.3', clean: pkg({ 'lib/ssl.node': lx('ext-ssl-hashed.so'), 'demo.libs/libssl-1a2b3c4d.so.3': lx('libssl-1a2b3c4d.so.3') }) },

  // --- macos (src/rules/macos/macos.ts)
  { check: 'macos.min-os-too-new', defect: 'an arm64 addon for macOS 13', bad: pkg({ [`${DARWIN}/demo.node`]: nx('macho/declared9-arm64-minos13.node') }), file: `package/${DARWIN}/demo.node`, twin: 'built for 11.0', clean: pkg({ [`${DARWIN}/demo.node`]: ax('macho/declared9-arm64.node') }) },
  { check: 'macos.missing-min-os', defect: 'an x86_64 addon without LC_BUILD_VERSION', bad: pkg({ 'prebuilds/darwin-x64/demo.node': mac('ext-nominos.so') }), file: 'package/prebuilds/darwin-x64/demo.node', twin: 'macOS 10.15', clean: pkg({ 'prebuilds/darwin-x64/demo.node': mac('ext-x86_64-1015.so') }) },
  { check: 'macos.unresolved-dependency', defect: '@rpath/libdemo.dylib without an LC_RPATH', bad: pkg({ [`${DARWIN}/demo.node`]: nx('macho/uses-dep-nopath-arm64.node'), [`${DARWIN}/libdemo.dylib`]: nx('macho/libdemo.dylib') }), file: `package/${DARWIN}/demo.node`, twin: 'LC_RPATH @loader_path', clean: pkg({ [`${DARWIN}/demo.node`]: nx('macho/uses-dep-arm64.node'), [`${DARWIN}/libdemo.dylib`]: nx('macho/libdemo.dylib') }) },
  { check: 'macos.absolute-install-name', defect: 'loads /opt/homebrew/opt/libdep/lib/libdep.1.dylib', bad: pkg({ [`${DARWIN}/demo.node`]: mac('ext-homebrew.so') }), file: `package/${DARWIN}/demo.node`, twin: '@rpath/libdep.dylib shipped in .dylibs/', clean: pkg({ [`${DARWIN}/demo.node`]: mac('ext.so'), [`${DARWIN}/.dylibs/libdep.dylib`]: mac('libdep.dylib') }) },
  { check: 'macos.non-portable-rpath', defect: 'LC_RPATH /usr/local/lib and a relative one', bad: pkg({ [`${DARWIN}/demo.node`]: mac('ext-rpaths.so'), [`${DARWIN}/.dylibs/libdep.dylib`]: mac('libdep.dylib') }), file: `package/${DARWIN}/demo.node`, twin: '@loader_path only', clean: pkg({ [`${DARWIN}/demo.node`]: mac('ext.so'), [`${DARWIN}/.dylibs/libdep.dylib`]: mac('libdep.dylib') }) },
  { check: 'macos.unsigned-arm64', defect: 'an arm64 addon linked without a signature', bad: pkg({ [`${DARWIN}/demo.node`]: nx('macho/declared9-arm64-unsigned.node') }), file: `package/${DARWIN}/demo.node`, twin: 'linker-signed', clean: pkg({ [`${DARWIN}/demo.node`]: ax('macho/declared9-arm64.node') }) },

  // --- windows (src/rules/windows/windows.ts): node.exe counts as present
  { check: 'windows.msvc-runtime-not-bundled', defect: 'imports vcruntime140.dll, which Node does not ship', bad: pkg({ [`${WIN64}/demo.node`]: nx('pe/vcrt-x64.node') }), file: `package/${WIN64}/demo.node`, twin: 'node.exe delay imports only', clean: pkg({ [`${WIN64}/demo.node`]: ax('pe/tsfn-x64.node') }) },
  { check: 'windows.debug-runtime', defect: 'imports vcruntime140d.dll and ucrtbased.dll', bad: pkg({ [`${WIN64}/demo.node`]: win('ext-debug.pyd') }), file: `package/${WIN64}/demo.node`, twin: 'a release build', clean: pkg({ [`${WIN64}/demo.node`]: ax('pe/tsfn-x64.node') }) },
  { check: 'windows.missing-dll', defect: 'imports libdemo.dll, not shipped', bad: pkg({ [`${WIN64}/demo.node`]: nx('pe/uses-dep-x64.node') }), file: `package/${WIN64}/demo.node`, twin: 'libdemo.dll beside it', clean: pkg({ [`${WIN64}/demo.node`]: nx('pe/uses-dep-x64.node'), [`${WIN64}/libdemo.dll`]: nx('pe/libdemo.dll') }) },
  { check: 'windows.dll-not-beside-extension', defect: 'libdemo.dll shipped in lib/, not beside the addon', bad: pkg({ [`${WIN64}/demo.node`]: nx('pe/uses-dep-x64.node'), 'lib/libdemo.dll': nx('pe/libdemo.dll') }), file: `package/${WIN64}/demo.node`, twin: 'beside it', clean: pkg({ [`${WIN64}/demo.node`]: nx('pe/uses-dep-x64.node'), [`${WIN64}/libdemo.dll`]: nx('pe/libdemo.dll') }) },

  // --- node (src/rules/node/addon.ts)
  { check: 'node.napi-too-new', defect: 'declares Node-API 10 with engines.node >=20 (Node 20 offers 9)', bad: pkg({ [`${LX64}/demo.node`]: ax('gyp/declared10.node') }, { engines: { node: '>=20' } }), file: `package/${LX64}/demo.node`, twin: 'engines.node ^22.14.0 || >=23.6.0', clean: pkg({ [`${LX64}/demo.node`]: ax('gyp/declared10.node') }, { engines: { node: '^22.14.0 || >=23.6.0' } }) },
  { check: 'node.declared-napi-below-imports', defect: 'declares 8, imports node_api_symbol_for (9)', bad: pkg({ [`${LX64}/demo.node`]: nx('x64/declared8-imports9.node') }, { engines: { node: '>=20.3.0' } }), file: `package/${LX64}/demo.node`, twin: 'declares 9, imports 9', clean: pkg({ [`${LX64}/demo.node`]: ax('gyp/symbolfor.node') }, { engines: { node: '>=20.3.0' } }) },
  { check: 'node.experimental-napi', defect: 'imports node_api_post_finalizer (NAPI_EXPERIMENTAL)', bad: pkg({ [`${LX64}/demo.node`]: ax('gyp/experimental.node') }), file: `package/${LX64}/demo.node`, twin: 'released Node-API only', clean: pkg({ [`${LX64}/demo.node`]: NAPI() }) },
  { check: 'node.module-version-mismatch', defect: 'a NODE_MODULE_VERSION 115 build named node.abi108.node', bad: pkg({ [`${LX64}/node.abi108.node`]: ax('gyp/v8_legacy.node') }), file: `package/${LX64}/node.abi108.node`, twin: 'named node.abi115.node', clean: pkg({ [`${LX64}/node.abi115.node`]: ax('gyp/v8_legacy.node') }) },
  { check: 'node.abi-build-engines', defect: 'one V8 build (Node 20) for engines.node >=18, nothing compiles', bad: pkg({ [`${LX64}/node.abi115.node`]: ax('gyp/v8_legacy.node') }, { engines: { node: '>=18' } }), file: null, twin: 'engines.node 20.x', clean: pkg({ [`${LX64}/node.abi115.node`]: ax('gyp/v8_legacy.node') }, { engines: { node: '20.x' } }) },
  { check: 'node.not-an-addon', defect: 'a bare .node that registers no module', bad: bare(() => ax('x64/plain.so')), file: 'demo.node', twin: 'a Node-API addon', clean: bare(NAPI) },
  { check: 'node.runtime-resolved', defect: 'Node-API looked up with dlsym (napi-rs dyn-symbols)', bad: pkg({ [`${LX64}/demo.node`]: ax('x64/dynamic.node') }), file: `package/${LX64}/demo.node`, twin: 'Node-API imports', clean: pkg({ [`${LX64}/demo.node`]: NAPI() }) },

  // --- npm (src/rules/node/package.ts)
  { check: 'npm.package-json-invalid', defect: 'no package.json', bad: raw(() => gz(tar(JS()))), twin: 'with package.json', clean: raw(() => gz(tar(PJ(), JS()))) },
  { check: 'npm.engines-invalid', defect: "engines.node 'node 18 or newer'", bad: pkg({ [`${LX64}/demo.node`]: NAPI() }, { engines: { node: 'node 18 or newer' } }), file: 'package/package.json', twin: "engines.node '>=18'", clean: pkg({ [`${LX64}/demo.node`]: NAPI() }, { engines: { node: '>=18' } }) },
  { check: 'npm.binary-downloaded-at-install', defect: 'node-pre-gyp install --fallback-to-build from a binary.host', bad: packed({ 'binding.gyp': '{"targets":[]}', 'index.js': '' }, { scripts: { install: 'node-pre-gyp install --fallback-to-build' }, binary: { module_name: 'demo', module_path: './lib/binding/{node_abi}-{platform}-{arch}', host: 'https://example.com/demo/releases/download/', remote_path: 'v{version}', package_name: '{module_name}-v{version}-{node_abi}-{platform}-{arch}.tar.gz' } }), file: 'package/package.json', twin: 'the binaries shipped as prebuilds', clean: packed({ [`${LX64}/demo.node`]: NAPI(), 'index.js': '' }, { dependencies: { 'node-gyp-build': '^4.8.4' } }) },
  { check: 'npm.builds-at-install', defect: 'binding.gyp and no install script: npm runs node-gyp rebuild', bad: packed({ 'binding.gyp': '{"targets":[]}', [`${LX64}/demo.node`]: NAPI() }), file: 'package/package.json', twin: '"gypfile": false', clean: packed({ 'binding.gyp': '{"targets":[]}', [`${LX64}/demo.node`]: NAPI() }, { gypfile: false }) },
  { check: 'npm.build-output-shipped', defect: 'build/Release/demo.node in the tarball', bad: pkg({ 'build/Release/demo.node': NAPI(), [`${LX64}/demo.node`]: NAPI() }), file: 'package/build/Release/demo.node', twin: 'prebuilds only', clean: pkg({ [`${LX64}/demo.node`]: NAPI() }) },
  { check: 'npm.optional-dependency-not-pinned', defect: 'demo-addon-linux-x64-gnu pinned ^1.2.3', bad: packed({ 'index.js': '' }, { optionalDependencies: { 'demo-addon-linux-x64-gnu': '^1.2.3', 'demo-addon-darwin-arm64': '1.2.3' } }), file: 'package/package.json', twin: 'pinned 1.2.3', clean: packed({ 'index.js': '' }, { optionalDependencies: { 'demo-addon-linux-x64-gnu': '1.2.3', 'demo-addon-darwin-arm64': '1.2.3' } }) },
  { check: 'npm.missing-prebuild', defect: 'a Linux x64 prebuild only, nothing compiles', bad: pkg({ [`${LX64}/demo.node`]: NAPI() }), file: 'package/package.json', twin: 'all eight common platforms', clean: pkg(ALL_PLATFORMS()) },

  // --- npm (src/rules/node/selection.ts): what node-gyp-build picks
  { check: 'npm.prebuild-picks-nothing', defect: 'only node.abi108.node for Linux x64: Node 20 wants abi115', bad: pkg({ [`${LX64}/node.abi108.node`]: ax('gyp/v8_abi108.node') }), twin: 'node.abi115.node', clean: pkg({ [`${LX64}/node.abi115.node`]: ax('gyp/v8_legacy.node') }) },
  { check: 'npm.prebuild-pick-fails', defect: 'the Linux x64 pick needs GLIBC_2.38 (Debian 12 has 2.36)', bad: pkg({ [`${LX64}/demo.node`]: nx('x64/glibc238.node') }), file: `package/${LX64}/demo.node`, twin: 'a build needing GLIBC_2.2.5', clean: pkg({ [`${LX64}/demo.node`]: NAPI() }) },
];

// ---------------------------------------------------------------------------

testCheckTable(CASES, ['npm', 'node-addon']);
testTableCovers('npm packages and .node files', CASES, ['npm', 'node-addon'], Object.keys(NOT_IN_TARBALLS));
