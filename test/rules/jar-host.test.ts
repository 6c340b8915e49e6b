/**
 * The Linux, macOS and Windows rules on JAR natives, where the host is a JVM
 * and the targets carry distaudit's default floors:
 *
 * - the glibc floor: a library needing GLIBC_2.25 fails linux-x86_64-glibc2.17
 *   (policy manylinux_2_17), the symbols named; one within 2.17 passes; an
 *   architecture without a policy (mips64el) is judged by the floor alone;
 * - the JVM's own libraries (libjvm.so, @rpath/libjvm.dylib, jvm.dll) are
 *   provided by the JVM that loads the JAR: not missing in a JAR, still
 *   missing in a wheel (the same rules, the same binaries).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Target } from '../../src/target.ts';
import { depsRule } from '../../src/rules/linux/deps.ts';
import { macosRule } from '../../src/rules/macos/macos.ts';
import { windowsRule } from '../../src/rules/windows/windows.ts';
import { runRule } from '../support/audit-context.ts';
import { jarAuditFixtures, JAR_AUDIT_LIBS } from '../fixtures/jar-audit.ts';
import { jniFixtures, JNI_LIBS } from '../fixtures/jni.ts';
import { linuxFixtures } from '../fixtures/linux.ts';
import { auditJar, cleanupJars, findings, summary } from './jar-helpers.ts';

after(cleanupJars);

const jfx = jarAuditFixtures();
const fx = jniFixtures();
const bytes = (name: keyof typeof JAR_AUDIT_LIBS) => readFileSync(jfx[JAR_AUDIT_LIBS[name]]!);

test('the default glibc floor: GLIBC_2.25 symbols fail linux-x86_64-glibc2.17, named; the musl target is not judged by it', async () => {
  const r = await auditJar({ 'linux-x86-64/libfloor.so': bytes('floor') });
  const f = findings(r, 'elf.symbol-version-too-new');
  assert.equal(f.length, 1, summary(r));
  assert.deepEqual([f[0]!.targets, f[0]!.evidence.policy, f[0]!.evidence.allowedUpTo], [['linux-x86_64-glibc2.17'], 'manylinux_2_17_x86_64', '2.17']);
  assert.match(f[0]!.message, /explicit_bzero@GLIBC_2\.25/);
  assert.match(f[0]!.message, /getrandom@GLIBC_2\.25/);
  assert.match(f[0]!.hint, /a JAR cannot narrow the systems its loader serves/);
  assert.deepEqual(findings(r, 'jar.no-musl-build'), []);
  const target = r.targets.find((t) => t.id === 'linux-x86_64-glibc2.17')!;
  assert.ok(target.claims.some((c) => /default floor/.test(c)));
  // The twin: the demo library needs GLIBC_2.2.5 only.
  const ok = await auditJar({ 'linux-x86-64/libdemo.so': readFileSync(fx[JNI_LIBS.linuxX64]!) });
  assert.deepEqual(findings(ok, 'elf.symbol-version-too-new'), []);
});

test('an architecture no manylinux policy covers (mips64el) is still judged by the glibc floor: GLIBC_2.27 fails linux-mips64el-glibc2.17', async () => {
  const r = await auditJar({ 'com/sun/jna/linux-mips64el/libjnidispatch.so': bytes('mipsFloor') });
  const f = findings(r, 'elf.symbol-version-too-new');
  assert.equal(f.length, 1, summary(r));
  assert.deepEqual([f[0]!.targets, f[0]!.evidence.policy, f[0]!.evidence.allowedUpTo], [['linux-mips64el-glibc2.17'], null, '2.17']);
  assert.match(f[0]!.message, /copy_file_range@GLIBC_2\.27\) but jna linux-mips64el allows GLIBC ≤ 2\.17/);
  assert.match(String(f[0]!.evidence.policyNote), /no manylinux policy covers mips64el/);
  assert.match(f[0]!.hint, /against glibc 2\.17 \(a glibc 2\.17 sysroot, or zig cc/);
});

test('a C++ library above the floor: the hint builds older or links libstdc++ statically, and never suggests a wheel tag', async () => {
  const r = await auditJar({ 'linux-x86-64/libcxx.so': readFileSync(linuxFixtures()['ext-cxx.so']!) });
  const f = findings(r, 'elf.symbol-version-too-new').find((x) => x.evidence.family === 'GLIBCXX');
  assert.ok(f, summary(r));
  assert.equal(f.hint, 'Build linux-x86-64/libcxx.so in the manylinux_2_17 image (or an older toolchain) so it links against older versions, or link the C++ runtime statically (-static-libstdc++).');
});

const linuxTarget: Target = { id: 'linux-x86_64-glibc2.17', os: 'linux', arch: 'x86_64', libc: { kind: 'glibc', minVersion: '2.17' }, minOs: null, policy: 'manylinux_2_17', python: null, node: null, claims: ['manylinux_2_17_x86_64'] };
const macTarget: Target = { id: 'macos-arm64-11.0', os: 'macos', arch: 'arm64', libc: null, minOs: '11.0', policy: null, python: null, node: null, claims: ['macosx_11_0_arm64'] };
const winTarget: Target = { id: 'windows-x86_64', os: 'windows', arch: 'x86_64', libc: null, minOs: null, policy: null, python: null, node: null, claims: ['win_amd64'] };

test('libjvm.so: provided by the JVM in a JAR (no missing library, no development-name warning); missing in a wheel', async () => {
  const r = await auditJar({ 'linux-x86-64/libjvmuser.so': bytes('jvmLinux') });
  assert.deepEqual([...findings(r, 'deps.missing-library'), ...findings(r, 'soname.unversioned-needed')], [], summary(r));
  const wheel = runRule(depsRule, { binaries: { 'demo/libjvmuser.so': jfx[JAR_AUDIT_LIBS.jvmLinux]! }, targets: [linuxTarget] });
  assert.deepEqual(wheel.filter((f) => f.check === 'deps.missing-library').map((f) => f.evidence.library), ['libjvm.so']);
});

test('@rpath/libjvm.dylib: provided by the JVM in a JAR; unresolved in a wheel', async () => {
  const r = await auditJar({ 'darwin-aarch64/libjvmuser.dylib': bytes('jvmMacos') });
  assert.deepEqual(findings(r, 'macos.unresolved-dependency'), [], summary(r));
  assert.deepEqual(r.targets.map((t) => t.id), ['macos-arm64-11.0']);
  const wheel = runRule(macosRule, { binaries: { 'demo/libjvmuser.dylib': jfx[JAR_AUDIT_LIBS.jvmMacos]! }, targets: [macTarget] });
  assert.deepEqual(wheel.filter((f) => f.check === 'macos.unresolved-dependency').map((f) => f.evidence.installName), ['@rpath/libjvm.dylib']);
});

test('jvm.dll: provided by the JVM in a JAR; missing in a wheel', async () => {
  const r = await auditJar({ 'win32-x86-64/jvmuser.dll': bytes('jvmWindows') });
  assert.deepEqual(findings(r, 'windows.missing-dll'), [], summary(r));
  const wheel = runRule(windowsRule, { binaries: { 'demo/jvmuser.dll': jfx[JAR_AUDIT_LIBS.jvmWindows]! }, targets: [winTarget] });
  assert.deepEqual(wheel.filter((f) => f.check === 'windows.missing-dll').map((f) => f.evidence.dll), ['jvm.dll']);
});

test("ARM float ABI by the path: JNA's linux-arm and xerial's armv6 / armv7 are hard-float, linux-armel and xerial's arm soft-float", async () => {
  const lfx = linuxFixtures();
  const armhf = readFileSync(lfx['ext-armhf.so']!);
  const armel = readFileSync(lfx['ext-armel.so']!);
  const r = await auditJar({
    'com/sun/jna/linux-arm/libjnidispatch.so': armel,
    'com/sun/jna/linux-armel/libjnidispatch.so': armhf,
    'org/sqlite/native/Linux/arm/libsqlitejdbc.so': armel,
    'org/sqlite/native/Linux/armv7/libsqlitejdbc.so': armel,
  });
  const f = findings(r, 'binary.arch-mismatch');
  assert.deepEqual(f.map((x) => x.file), ['com/sun/jna/linux-arm/libjnidispatch.so', 'com/sun/jna/linux-armel/libjnidispatch.so', 'org/sqlite/native/Linux/armv7/libsqlitejdbc.so'], summary(r));
  assert.match(f[0]!.message, /soft-float ARM \(armel\), not hard-float; .*needs hard-float ARM \(armhf\)/);
  assert.match(f[1]!.message, /is hard-float ARM \(armhf\); .*is where the loader looks on soft-float \(armel\) systems/);
  const twin = await auditJar({
    'com/sun/jna/linux-arm/libjnidispatch.so': armhf,
    'com/sun/jna/linux-armel/libjnidispatch.so': armel,
    'org/sqlite/native/Linux/arm/libsqlitejdbc.so': armel,
    'org/sqlite/native/Linux/armv7/libsqlitejdbc.so': armhf,
  });
  assert.deepEqual(findings(twin, 'binary.arch-mismatch'), [], summary(twin));
});
