/**
 * The manifest and path checks of src/rules/jar/native-code.ts through the
 * real pipeline: Bundle-NativeCode paths that point at nothing, natives no
 * clause lists, clauses whose osname / processor the binary contradicts (in
 * the JAR and in a nested JAR, whose header names its own paths), paths of
 * operating systems without targets holding another architecture, and JARs
 * nested too deep to be read.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { auditFile } from '../../src/audit/audit.ts';
import { jniFixtures, JNI_LIBS } from '../fixtures/jni.ts';
import { linuxFixtures } from '../fixtures/linux.ts';
import { auditJar, cleanupJars, demoClassFiles, findings, jarBytes, summary } from './jar-helpers.ts';

after(cleanupJars);

const fx = jniFixtures();
const lib = (name: keyof typeof JNI_LIBS) => readFileSync(fx[JNI_LIBS[name]]!);
const demoClasses = demoClassFiles(fx['classes/org/example/demo/Native_Lib.class']!);

const manifest = (nativeCode: string) => `Manifest-Version: 1.0\r\nBundle-ManifestVersion: 2\r\nBundle-SymbolicName: org.example.demo\r\nBundle-NativeCode: ${nativeCode}\r\n\r\n`;

test('jar.native-code-missing names the clause of a path the JAR lacks; the twin lists what is there', async () => {
  const r = await auditFile(fx['nativecode-missing.jar']!);
  const f = findings(r, 'jar.native-code-missing');
  assert.deepEqual(f.map((x) => [x.file, x.evidence.path, x.evidence.processors]), [['META-INF/MANIFEST.MF', 'linux-aarch64/libdemo.so', ['aarch64']]]);
  assert.deepEqual(f[0]!.targets, []);
  const twin = await auditFile(fx['jna-like.jar']!);
  assert.deepEqual([...findings(twin, 'jar.native-code-missing'), ...findings(twin, 'jar.native-code-unlisted'), ...findings(twin, 'jar.native-code-mismatch')], [], summary(twin));
});

test('jar.native-code-unlisted: a native in a Bundle-NativeCode JAR that no clause lists (a leading / in a clause path is accepted)', async () => {
  const r = await auditJar({
    'META-INF/MANIFEST.MF': manifest('/linux-x86-64/libdemo.so;osname=Linux;processor=x86-64'),
    ...demoClasses,
    'linux-x86-64/libdemo.so': lib('linuxX64'),
    'linux-aarch64/libdemo.so': lib('linuxArm64'),
  });
  assert.deepEqual(findings(r, 'jar.native-code-unlisted').map((x) => [x.file, x.severity]), [['linux-aarch64/libdemo.so', 'warning']]);
  assert.deepEqual(findings(r, 'jar.native-code-missing'), []);
  // Without a Bundle-NativeCode header nothing is expected of the natives.
  const plain = await auditJar({ ...demoClasses, 'linux-aarch64/libdemo.so': lib('linuxArm64') });
  assert.deepEqual(findings(plain, 'jar.native-code-unlisted'), []);
});

test('jar.native-code-mismatch: a processor or osname the binary contradicts', async () => {
  const r = await auditJar({
    'META-INF/MANIFEST.MF': manifest('linux-aarch64/libdemo.so;osname=Linux;processor=aarch64,win32-x86-64/demo.dll;osname=Linux;processor=x86-64,darwin-aarch64/libdemo.dylib;osname=MacOSX;processor=aarch64'),
    ...demoClasses,
    'linux-aarch64/libdemo.so': lib('linuxX64'),
    'win32-x86-64/demo.dll': lib('windowsX64'),
    'darwin-aarch64/libdemo.dylib': lib('macosArm64'),
  });
  const f = findings(r, 'jar.native-code-mismatch');
  assert.deepEqual(f.map((x) => x.file), ['linux-aarch64/libdemo.so', 'win32-x86-64/demo.dll'], summary(r));
  assert.match(f[0]!.message, /it is x86_64, not aarch64/);
  assert.match(f[1]!.message, /it is a PE \(Windows\) file, not a library for Linux/);
  // The same mislabel is binary.arch-mismatch through the path's own target.
  assert.deepEqual(findings(r, 'binary.arch-mismatch').map((x) => x.file), ['linux-aarch64/libdemo.so']);
});

test('a nested JAR\'s Bundle-NativeCode is read against the nested JAR\'s own entries', async () => {
  const inner = jarBytes({
    'META-INF/MANIFEST.MF': manifest('linux-x86-64/libdemo.so;osname=Linux;processor=aarch64,linux-ppc64le/libdemo.so;osname=Linux;processor=ppc64le'),
    ...demoClasses,
    'linux-x86-64/libdemo.so': lib('linuxX64'),
  });
  const r = await auditJar({ 'BOOT-INF/lib/inner.jar': inner }, 'app.jar');
  assert.deepEqual(findings(r, 'jar.native-code-missing').map((x) => [x.file, x.evidence.path, x.evidence.archive]), [
    ['BOOT-INF/lib/inner.jar!/META-INF/MANIFEST.MF', 'linux-ppc64le/libdemo.so', 'BOOT-INF/lib/inner.jar'],
  ]);
  assert.deepEqual(findings(r, 'jar.native-code-mismatch').map((x) => x.file), ['BOOT-INF/lib/inner.jar!/linux-x86-64/libdemo.so']);
});

test('jar.native-path-mismatch: JNA\'s sunos-x86 holding an x86_64 build; the i386 build there, and the x86_64 one at sunos-x86-64, are fine', async () => {
  const r = await auditJar({ ...demoClasses, 'com/sun/jna/sunos-x86/libjnidispatch.so': lib('linuxX64'), 'com/sun/jna/aix-ppc64/libjnidispatch.so': lib('linuxX64') });
  const f = findings(r, 'jar.native-path-mismatch');
  assert.deepEqual(f.map((x) => [x.file, x.evidence.expected, x.evidence.arches]), [
    ['com/sun/jna/sunos-x86/libjnidispatch.so', 'i386', ['x86_64']],
    ['com/sun/jna/aix-ppc64/libjnidispatch.so', 'ppc64', ['x86_64']],
  ]);
  assert.deepEqual(r.targets, []);
  const twin = await auditJar({ ...demoClasses, 'com/sun/jna/sunos-x86-64/libjnidispatch.so': lib('linuxX64'), 'com/sun/jna/sunos-x86/libjnidispatch.so': readFileSync(linuxFixtures()['ext-i686.so']!) });
  assert.deepEqual(findings(twin, 'jar.native-path-mismatch'), []);
});

test('jar.nested-not-read: a JAR two levels deep is named, as info', async () => {
  const deepest = jarBytes({ 'linux-x86-64/libdemo.so': lib('linuxX64') });
  const r = await auditJar({ 'BOOT-INF/lib/middle.jar': jarBytes({ 'lib/deepest.jar': deepest }) });
  assert.deepEqual(findings(r, 'jar.nested-not-read').map((x) => [x.severity, x.evidence.jars]), [['info', ['BOOT-INF/lib/middle.jar!/lib/deepest.jar']]]);
  assert.deepEqual(findings(await auditFile(fx['fat.jar']!), 'jar.nested-not-read'), []);
});
