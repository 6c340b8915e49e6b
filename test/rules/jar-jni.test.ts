/**
 * The JNI checks (src/rules/jar/jni.ts) through the real pipeline, on the
 * JNI fixture JARs (test/fixtures/jni.ts) and JARs assembled from their
 * libraries and classes: exports whose class a shader relocated, dead exports,
 * natives-only JARs, netty's shaded-prefix rule (against javac-compiled
 * NativeLibraryLoader classes), libraries without entry points, and exports
 * no JVM looks up. That the JVM really fails on the defective ones is shown
 * by test/artifact/jar-fixtures.test.ts (java runs them).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { auditFile } from '../../src/audit/audit.ts';
import { jniFixtures, JNI_LIBS } from '../fixtures/jni.ts';
import { jarAuditFixtures, NETTY_LOADER_CLASSES } from '../fixtures/jar-audit.ts';
import { linuxFixtures } from '../fixtures/linux.ts';
import { auditJar, cleanupJars, findings, summary } from './jar-helpers.ts';

after(cleanupJars);

const fx = jniFixtures();
const jfx = jarAuditFixtures();
const lfx = linuxFixtures();
const lx = (name: string) => readFileSync(lfx[name as keyof typeof lfx]!);
const lib = (name: keyof typeof JNI_LIBS) => readFileSync(fx[JNI_LIBS[name]]!);
const cls = (rel: string) => readFileSync(fx[rel]!);
const NATIVE_LIB = 'classes/org/example/demo/Native_Lib.class';

test('shaded.jar: every library names the relocated class, the method and what the JVM looks up; an error on each target', async () => {
  const r = await auditFile(fx['shaded.jar']!);
  const f = findings(r, 'jni.binding-without-class');
  assert.equal(f.length, 10, summary(r));
  assert.ok(f.every((x) => x.severity === 'error'));
  const linux = f.find((x) => x.file === 'linux-x86-64/libdemo.so' && x.evidence.class === 'org.example.demo.Native_Lib')!;
  assert.deepEqual(linux.evidence.relocatedTo, ['shaded/org/example/demo/Native_Lib.class']);
  assert.equal((linux.evidence.methods as unknown[]).length, 7);
  assert.match(linux.message, /the JVM looks up Java_shaded_org_example_demo_Native_1Lib_/);
  assert.deepEqual(linux.targets, ['linux-x86_64-glibc2.17']);
  const inner = f.find((x) => x.file === 'linux-x86-64/libdemo.so' && x.evidence.class === 'org.example.demo.Native_Lib$Inner')!;
  assert.match(inner.message, /Java_shaded_org_example_demo_Native_1Lib_00024Inner_twice/);
  // The twin: the library rebuilt with the relocated names.
  assert.deepEqual(findings(await auditFile(fx['shaded-renamed.jar']!), 'jni.binding-without-class'), []);
  assert.deepEqual(findings(await auditFile(fx['jna-like.jar']!), 'jni.binding-without-class'), []);
});

test('a dead export (no relocated copy) and a natives-only JAR are warnings', async () => {
  const dead = await auditJar({ 'org/example/other/Other.class': 'x', 'linux-x86-64/libdemo.so': lib('linuxX64') });
  const d = findings(dead, 'jni.binding-without-class');
  assert.deepEqual(d.map((x) => [x.severity, x.evidence.class]), [
    ['warning', 'org.example.demo.Native_Lib'],
    ['warning', 'org.example.demo.Native_Lib$Inner'],
  ]);
  // A class of the same simple name elsewhere is named, but it is not a relocated copy.
  const similar = await auditJar({ 'com/acme/Native_Lib.class': cls(NATIVE_LIB), 'linux-x86-64/libdemo.so': lib('linuxX64') });
  const s = findings(similar, 'jni.binding-without-class').find((x) => x.evidence.class === 'org.example.demo.Native_Lib')!;
  assert.equal(s.severity, 'warning');
  assert.deepEqual(s.evidence.sameSimpleName, ['com/acme/Native_Lib.class']);
  const nativesOnly = await auditJar({ 'linux-x86-64/libdemo.so': lib('linuxX64'), 'linux-aarch64/libdemo.so': lib('linuxArm64') });
  const o = findings(nativesOnly, 'jni.binding-without-class');
  assert.deepEqual(o.map((x) => [x.file, x.severity, x.evidence.classesInJar]), [
    ['linux-x86-64/libdemo.so', 'warning', 0],
    ['linux-aarch64/libdemo.so', 'warning', 0],
  ]);
  assert.match(o[0]!.message, /holds no class files at all/);
});

test("netty: a library's prefix must be the mangled package of a NativeLibraryLoader in the JAR", async () => {
  const epoll = readFileSync(fx[JNI_LIBS.onload]!);
  const plainLoader = readFileSync(jfx[NETTY_LOADER_CLASSES.plain]!);
  const shadedLoader = readFileSync(jfx[NETTY_LOADER_CLASSES.shaded]!);
  const PLAIN = 'io/netty/util/internal/NativeLibraryLoader.class';
  const SHADED = 'io/grpc/netty/shaded/io/netty/util/internal/NativeLibraryLoader.class';
  // Shaded loader, unshaded library name: the loader asks for libio_grpc_netty_shaded_netty_transport_native_epoll_x86_64.so.
  const bad = await auditJar({ [SHADED]: shadedLoader, 'META-INF/native/libnetty_transport_native_epoll_x86_64.so': epoll });
  const b = findings(bad, 'jni.binding-without-class');
  assert.equal(b.length, 1, summary(bad));
  assert.equal(b[0]!.evidence.expectedFile, 'libio_grpc_netty_shaded_netty_transport_native_epoll_x86_64.so');
  assert.match(b[0]!.message, /carries no package prefix, but netty's loader in this JAR is io\/grpc\/netty\/shaded\//);
  // Unshaded loader, prefixed library.
  const bad2 = await auditJar({ [PLAIN]: plainLoader, 'META-INF/native/libio_grpc_netty_shaded_netty_transport_native_epoll_x86_64.so': epoll });
  assert.deepEqual(findings(bad2, 'jni.binding-without-class').map((x) => x.evidence.expectedFile), ['libnetty_transport_native_epoll_x86_64.so']);
  // The twins: names that match the loader (what grpc-netty-shaded ships), and no loader in the JAR at all (a classifier JAR).
  const twins: Record<string, Uint8Array>[] = [
    { [SHADED]: shadedLoader, 'META-INF/native/libio_grpc_netty_shaded_netty_transport_native_epoll_x86_64.so': epoll },
    { [PLAIN]: plainLoader, 'META-INF/native/libnetty_transport_native_epoll_x86_64.so': epoll },
    { 'META-INF/native/libnetty_transport_native_epoll_x86_64.so': epoll },
  ];
  for (const files of twins) {
    const r = await auditJar(files);
    assert.deepEqual(findings(r, 'jni.binding-without-class'), [], summary(r));
  }
});

test('jni.no-entry-points: a warning for a library that binds nothing; JNI_OnLoad alone, and a dependency of another library, are fine', async () => {
  const r = await auditFile(fx['no-onload.jar']!);
  const f = findings(r, 'jni.no-entry-points');
  assert.deepEqual(f.map((x) => [x.file, x.severity, x.targets]), [['linux-x86-64/libregistered.so', 'warning', ['linux-x86_64-glibc2.17', 'linux-x86_64-musl']]]);
  assert.deepEqual(findings(await auditFile(fx['onload.jar']!), 'jni.no-entry-points'), []);
  // libfoo.so.1 exports no JNI name but another library of the JAR needs it: not reported (the extension that needs it is).
  const chain = await auditJar({ 'linux-x86-64/_chain.so': lx('chain-runpath.so'), 'linux-x86-64/libfoo.so.1': lx('libfoo.so.1'), 'linux-x86-64/libbar.so.2': lx('libbar.so.2') });
  assert.deepEqual(findings(chain, 'jni.no-entry-points').map((x) => x.file), ['linux-x86-64/_chain.so']);
});

test('jni.unbindable-export: MinGW stdcall names are errors; --kill-at and MSVC decorations are looked up', async () => {
  const r = await auditFile(fx['mingw-stdcall.jar']!);
  const f = findings(r, 'jni.unbindable-export');
  assert.equal(f.length, 1, summary(r));
  assert.equal(f[0]!.file, 'win32-x86/demo.dll');
  assert.equal((f[0]!.evidence.exports as unknown[]).length, 8);
  assert.match(f[0]!.hint, /--kill-at/);
  assert.deepEqual(f[0]!.targets, ['windows-i386']);
  const fine = await auditJar({ 'org/example/demo/Native_Lib.class': cls(NATIVE_LIB), 'win32-x86/demo.dll': lib('windowsX86'), 'win32-x86/msvc/demo.dll': lib('windowsX86Msvc') });
  assert.deepEqual(findings(fine, 'jni.unbindable-export'), [], summary(fine));
});
