/**
 * The JAR model (src/artifact/jar/model.ts) and its targets
 * (src/artifact/jar/targets.ts), from JARs read by the real reader: the
 * manifest's main attributes and Bundle-NativeCode, pom.properties and the
 * name and version the JAR gives itself, the classes on the class path a
 * launcher builds (multi-release and Spring Boot roots included), the
 * natives and their path claims; then the targets each native's claim makes,
 * the default floors, musl beside glibc, the fallback to the binary's facts,
 * and the targets one binary must serve.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanJar } from '../../src/artifact/jar/reader.ts';
import { jarKeepText, parsePomProperties, readJarModel, type JarModel } from '../../src/artifact/jar/model.ts';
import { jarBinaryTargets, jarTargets, JAR_GLIBC_FLOOR } from '../../src/artifact/jar/targets.ts';
import { mightBeNative } from '../../src/binary/sniff.ts';
import { buildZip, type ZipEntrySpec } from '../support/zip-writer.ts';
import { auditedBinary } from '../support/audit-context.ts';
import { cleanup, tempDir } from './zip-helpers.ts';
import { jniFixtures, JNI_LIBS } from '../fixtures/jni.ts';
import { machoFixtures } from '../fixtures/macho.ts';

after(cleanup);

const fx = jniFixtures();
const mfx = machoFixtures();
const lib = (name: keyof typeof JNI_LIBS) => readFileSync(fx[JNI_LIBS[name]]!);

let n = 0;
async function model(entries: ZipEntrySpec[], name = `demo-${n++}.jar`): Promise<JarModel> {
  const path = join(tempDir('jar-model-'), name);
  writeFileSync(path, buildZip({ entries }));
  return modelOf(path);
}

async function modelOf(path: string): Promise<JarModel> {
  const scan = await scanJar(path, { spoolDir: join(tempDir('jar-model-spool-'), 's'), keep: (p, head) => jarKeepText(p) || mightBeNative(head), consume: () => false });
  return readJarModel(path.slice(path.lastIndexOf('/') + 1), scan);
}

const ids = (m: JarModel) => jarTargets(m).map((t) => t.id);

test('manifest main attributes, pom.properties, and the name and version the JAR gives itself', async () => {
  const mf = [
    'Manifest-Version: 1.0',
    'Main-Class: org.example.demo.Main',
    'Multi-Release: TRUE',
    'Automatic-Module-Name: org.example.demo',
    'Implementation-Title: demo',
    'Implementation-Version: 1.2.3-impl',
    'Bundle-SymbolicName: org.example.demo;singleton:=true',
    'Bundle-Version: 1.2.3.b',
    'Bundle-NativeCode: linux-x86-64/libdemo.so;osname=Linux;processor=x86-64,*',
    '',
    '',
  ].join('\r\n');
  const m = await model([
    { name: 'META-INF/MANIFEST.MF', data: mf },
    { name: 'META-INF/maven/org.example/demo/pom.properties', data: '#Generated\ngroupId=org.example\nartifactId=demo\nversion=1.2.3\n' },
    { name: 'org/example/demo/Main.class', data: 'x' },
    { name: 'META-INF/versions/11/org/example/demo/Main.class', data: 'x' },
    { name: 'META-INF/versions/9/module-info.class', data: 'x' },
    { name: 'META-INF/other/Stray.class', data: 'x' },
    { name: 'linux-x86-64/libdemo.so', data: lib('linuxX64') },
  ]);
  const a = m.archives[0]!;
  assert.equal(a.manifest?.mainClass, 'org.example.demo.Main');
  assert.equal(a.manifest?.multiRelease, true);
  assert.equal(a.manifest?.automaticModuleName, 'org.example.demo');
  assert.equal(a.manifest?.bundleSymbolicName, 'org.example.demo');
  assert.deepEqual(a.manifest?.bundleNativeCode?.clauses.map((c) => c.paths), [['linux-x86-64/libdemo.so']]);
  assert.equal(a.manifest?.bundleNativeCode?.optional, true);
  assert.deepEqual(a.poms, [{ path: 'META-INF/maven/org.example/demo/pom.properties', groupId: 'org.example', artifactId: 'demo', version: '1.2.3' }]);
  assert.deepEqual([m.name, m.version], ['org.example:demo', '1.2.3']);
  assert.deepEqual(
    m.classes.map((c) => [c.name, c.release]),
    [
      ['module-info', 9],
      ['org/example/demo/Main', null],
      ['org/example/demo/Main', 11],
    ],
  );
  assert.deepEqual(m.natives.map((x) => [x.path, x.claim?.convention]), [['linux-x86-64/libdemo.so', 'jna']]);
  assert.deepEqual(m.conventions, ['jna']);

  // Without a pom: the manifest's title and version; of several poms (a shaded JAR), the one the file name names.
  const titled = await model([{ name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\nImplementation-Title: Demo Lib\nImplementation-Version: 4.5\n\n' }]);
  assert.deepEqual([titled.name, titled.version], ['Demo Lib', '4.5']);
  const pom = (g: string, a2: string, v: string) => ({ name: `META-INF/maven/${g}/${a2}/pom.properties`, data: `groupId=${g}\nartifactId=${a2}\nversion=${v}\n` });
  const shaded = await model([pom('com.google.guava', 'guava', '33.0'), pom('io.grpc', 'grpc-netty-shaded', '1.66.0')], 'grpc-netty-shaded-1.66.0.jar');
  assert.deepEqual([shaded.name, shaded.version], ['io.grpc:grpc-netty-shaded', '1.66.0']);
  assert.deepEqual(parsePomProperties('p', 'groupId = a.b\n! comment\nartifactId: c\nversion 1\n'), { path: 'p', groupId: 'a.b', artifactId: 'c', version: '1' });
});

test('the fat JAR: classes under BOOT-INF/classes/ and in the nested JAR, the nested manifest, natives one level down', async () => {
  const m = await modelOf(fx['fat.jar']!);
  assert.deepEqual(m.nestedJars, ['BOOT-INF/lib/inner.jar']);
  assert.deepEqual(m.archives.map((a) => [a.path, a.manifest?.path ?? null, a.manifest?.bundleNativeCode?.clauses.length ?? 0]), [
    ['', 'META-INF/MANIFEST.MF', 0],
    ['BOOT-INF/lib/inner.jar', 'BOOT-INF/lib/inner.jar!/META-INF/MANIFEST.MF', 5],
  ]);
  assert.deepEqual(m.classes.map((c) => c.name), ['org/example/app/App', 'org/example/demo/Main', 'org/example/demo/Native_Lib', 'org/example/demo/Native_Lib$Inner']);
  assert.equal(m.classes[0]!.path, 'BOOT-INF/classes/org/example/app/App.class');
  assert.equal(m.natives.length, 5);
  assert.ok(m.natives.every((x) => x.archive === 'BOOT-INF/lib/inner.jar' && x.claim?.convention === 'jna'));
});

test('targets from path claims: glibc at the default floor, musl beside it, and sqlite-jdbc\'s missing Linux-Musl/aarch64', async () => {
  const m = await modelOf(fx['sqlite-like.jar']!);
  const targets = jarTargets(m);
  assert.deepEqual(
    targets.map((t) => t.id),
    ['linux-x86_64-glibc2.17', 'linux-x86_64-musl', 'linux-arm64-glibc2.17', 'linux-arm64-musl', 'macos-arm64-11.0', 'windows-x86_64', 'windows-i386'],
  );
  const glibc = targets[0]!;
  assert.deepEqual([glibc.libc, glibc.policy], [{ kind: 'glibc', minVersion: JAR_GLIBC_FLOOR }, 'manylinux_2_17']);
  assert.deepEqual(glibc.claims, ['sqlite-jdbc Linux/x86_64', "glibc 2.17: distaudit's default floor for JAR natives (a JAR states none)"]);
  assert.deepEqual([targets[1]!.policy, targets[1]!.claims], ['musllinux_1_2', ['sqlite-jdbc Linux-Musl/x86_64']]);
  assert.deepEqual(targets[3]!.claims, ['musl systems: no arm64 build for musl in the JAR (sqlite-jdbc looks in org/sqlite/native/Linux-Musl/aarch64/)']);
  assert.equal(targets[4]!.minOs, '11.0');

  // JNA's libc-blind prefixes: musl from the same path.
  const jna = await modelOf(fx['jna-like.jar']!);
  const jt = jarTargets(jna);
  assert.deepEqual(jt.find((t) => t.id === 'linux-x86_64-musl')?.claims, ['jna linux-x86-64 (loaded on musl too: the loader does not tell musl from glibc)']);
});

test('the architecture from the binary where the path names none; no target for an OS outside the vocabulary; arch-specific glibc floors', async () => {
  const m = await model([
    { name: 'com/sun/jna/darwin/libjnidispatch.jnilib', data: readFileSync(mfx['greet-universal.dylib']) },
    { name: 'com/sun/jna/sunos-x86/libjnidispatch.so', data: lib('linuxX64') },
    { name: 'linux/riscv64/libzstd-jni-1.5.6-4.so', data: lib('linuxX64') },
    { name: 'linux/loongarch64/libzstd-jni-1.5.6-4.so', data: lib('linuxX64') },
  ]);
  assert.deepEqual(ids(m), ['linux-riscv64-glibc2.27', 'linux-riscv64-musl', 'linux-loongarch64-glibc2.36', 'linux-loongarch64-musl', 'macos-x86_64-10.12', 'macos-arm64-11.0']);
  assert.deepEqual(jarTargets(m).find((t) => t.id === 'linux-riscv64-glibc2.27')?.policy, 'manylinux_2_27');
});

test('unknown layouts fall back to the binary\'s own facts', async () => {
  const m = await model([
    { name: 'native/x/libdemo.so', data: lib('linuxX64') },
    { name: 'native/y/libdemo.so', data: lib('linuxX64Musl') },
    { name: 'native/z/demo.dll', data: lib('windowsX86') },
    { name: 'native/w/libdemo.dylib', data: lib('macosArm64') },
  ]);
  const targets = jarTargets(m);
  assert.deepEqual(targets.map((t) => [t.id, t.claims[0]]), [
    ['linux-x86_64-glibc2.17', 'binary facts of native/x/libdemo.so'],
    ['linux-x86_64-musl', 'binary facts of native/x/libdemo.so (loaded on musl too: the loader does not tell musl from glibc)'],
    ['macos-arm64-11.0', 'binary facts of native/w/libdemo.dylib'],
    ['windows-i386', 'binary facts of native/z/demo.dll'],
  ]);
  assert.ok(targets[1]!.claims.includes('binary facts of native/y/libdemo.so'));
});

test('the targets one binary serves: a glibc build is not held to the musl target its libc-blind loader also serves', async () => {
  const m = await model([
    { name: 'linux-x86-64/libdemo.so', data: lib('linuxX64') },
    { name: 'linux-x86-64/libmusl.so', data: lib('linuxX64Musl') },
    { name: 'linux-x86-64/libregistered.so', data: readFileSync(fx[JNI_LIBS.onload]!) },
    { name: 'org/sqlite/native/Linux-Musl/x86_64/libsqlitejdbc.so', data: lib('linuxX64Musl') },
    { name: 'org/sqlite/native/Linux/x86_64/libsqlitejdbc.so', data: lib('linuxX64') },
  ]);
  const targets = jarTargets(m);
  const served = (path: string, bytes: Uint8Array) => jarBinaryTargets(m, targets, auditedBinary(path, bytes)).map((t) => t.id);
  assert.deepEqual(served('linux-x86-64/libdemo.so', lib('linuxX64')), ['linux-x86_64-glibc2.17']);
  assert.deepEqual(served('linux-x86-64/libmusl.so', lib('linuxX64Musl')), ['linux-x86_64-glibc2.17', 'linux-x86_64-musl']);
  assert.deepEqual(served('linux-x86-64/libregistered.so', readFileSync(fx[JNI_LIBS.onload]!)), ['linux-x86_64-glibc2.17', 'linux-x86_64-musl']);
  assert.deepEqual(served('org/sqlite/native/Linux-Musl/x86_64/libsqlitejdbc.so', lib('linuxX64Musl')), ['linux-x86_64-musl']);
  assert.deepEqual(served('org/sqlite/native/Linux/x86_64/libsqlitejdbc.so', lib('linuxX64')), ['linux-x86_64-glibc2.17']);
});
