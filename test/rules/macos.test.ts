/**
 * The macOS checks on Mach-O fixtures built with clang + ld64.lld
 * (test/fixtures/macos-wheel.ts), each placed at paths inside a pretend
 * wheel, and the install-name resolution they rest on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRule } from '../support/audit-context.ts';
import { macosWheelFixtures } from '../fixtures/macos-wheel.ts';
import { targetId, type Target } from '../../src/target.ts';
import {
  absoluteInstallName,
  macosRule,
  minOsTooNew,
  missingMinOs,
  nonPortableRpath,
  unresolvedDependency,
  unsignedArm64,
} from '../../src/rules/macos/macos.ts';
import { expandRpath, isNonPortableRpath, joinWheelPath, resolveInstallName } from '../../src/rules/macos/install-names.ts';

function mac(arch: Target['arch'], minOs: string, claim: string): Target {
  const t: Target = { id: '', os: 'macos', arch, libc: null, minOs, policy: `macosx_${minOs.replace('.', '_')}`, python: { interpreters: ['cp311'], abi: 'cp311', minimum: null }, node: null, claims: [claim] };
  return { ...t, id: targetId(t) };
}
const arm11 = mac('arm64', '11.0', 'macosx_11_0_arm64');
const x86_109 = mac('x86_64', '10.9', 'macosx_10_9_x86_64');
const uni = [mac('x86_64', '10.9', 'macosx_10_9_universal2'), mac('arm64', '10.9', 'macosx_10_9_universal2')];
const EXT = 'pkg/_core.cpython-311-darwin.so';
const DEP = 'pkg/.dylibs/libdep.dylib';

test('a delocated arm64 wheel (extension + @rpath library in .dylibs, signed, macOS 11.0) passes every macOS check', () => {
  const fx = macosWheelFixtures();
  assert.deepEqual(runRule(macosRule, { binaries: { [EXT]: fx['ext.so'], [DEP]: fx['libdep.dylib'] }, targets: [arm11] }), []);
});

test('macos.min-os-too-new: an arm64 slice built for macOS 13.0 in a macosx_11_0_arm64 wheel', () => {
  const fx = macosWheelFixtures();
  const findings = runRule(macosRule, { binaries: { [EXT]: fx['ext-minos13.so'], [DEP]: fx['libdep.dylib'] }, targets: [arm11] });
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.check, minOsTooNew.id);
  assert.equal(f.severity, 'error');
  assert.equal(f.message, `${EXT} (arm64) requires macOS 13.0 (LC_BUILD_VERSION) but macosx_11_0_arm64 promises macOS 11.0`);
  assert.deepEqual(f.evidence, { arch: 'arm64', minOs: '13.0', source: 'LC_BUILD_VERSION', promised: '11.0', claims: ['macosx_11_0_arm64'] });
  assert.deepEqual(f.targets, [arm11.id]);
  assert.match(f.hint, /MACOSX_DEPLOYMENT_TARGET=11\.0.*macosx_13_0_arm64/);
});

test('macos.min-os-too-new: x86_64 10.15 vs macosx_10_9_x86_64; a universal2 10.9 twin passes (arm64 floored at 11.0, LC_VERSION_MIN_MACOSX read)', () => {
  const fx = macosWheelFixtures();
  const findings = runRule(macosRule, { binaries: { [EXT]: fx['ext-x86_64-1015.so'], [DEP]: fx['libdep-x86_64.dylib'] }, targets: [x86_109] });
  assert.deepEqual(findings.map((f) => [f.check, f.evidence.minOs, f.evidence.source, f.evidence.promised, f.targets]), [[minOsTooNew.id, '10.15', 'LC_BUILD_VERSION', '10.9', [x86_109.id]]]);
  assert.deepEqual(runRule(macosRule, { binaries: { [EXT]: fx['ext-universal.so'], [DEP]: fx['libdep.dylib'] }, targets: uni }), []);
});

test('macos.missing-min-os: a slice with neither LC_BUILD_VERSION nor LC_VERSION_MIN_MACOSX', () => {
  const fx = macosWheelFixtures();
  const findings = runRule(macosRule, { binaries: { [EXT]: fx['ext-nominos.so'], [DEP]: fx['libdep-x86_64.dylib'] }, targets: [x86_109] });
  assert.deepEqual(findings.map((f) => [f.check, f.severity, f.message, f.targets]), [
    [missingMinOs.id, 'warning', `${EXT} (x86_64) has neither LC_BUILD_VERSION nor LC_VERSION_MIN_MACOSX: its minimum macOS is unknown`, [x86_109.id]],
  ]);
  const twin = runRule(macosRule, { binaries: { [EXT]: fx['ext-x86_64-1015.so'], [DEP]: fx['libdep-x86_64.dylib'] }, targets: [mac('x86_64', '10.15', 'macosx_10_15_x86_64')] });
  assert.deepEqual(twin, []);
});

test('macos.unresolved-dependency: @rpath/libdep.dylib with LC_RPATH @loader_path/.dylibs and no .dylibs in the wheel', () => {
  const fx = macosWheelFixtures();
  const findings = runRule(macosRule, { binaries: { [EXT]: fx['ext.so'] }, targets: [arm11] });
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.check, unresolvedDependency.id);
  assert.equal(f.message, `${EXT} (arm64) loads @rpath/libdep.dylib, which resolves to no file in the wheel: tried pkg/.dylibs/libdep.dylib`);
  assert.deepEqual(f.evidence, { installName: '@rpath/libdep.dylib', arches: ['arm64'], reason: 'rpath', tried: ['pkg/.dylibs/libdep.dylib'], rpaths: ['@loader_path/.dylibs'] });
  assert.deepEqual(f.targets, [arm11.id]);
  // Per slice: both slices of a fat binary name it once.
  const fat = runRule(macosRule, { binaries: { [EXT]: fx['ext-universal.so'] }, targets: uni });
  assert.deepEqual(fat.map((x) => [x.check, x.evidence.arches, x.targets]), [[unresolvedDependency.id, ['x86_64', 'arm64'], uni.map((t) => t.id)]]);
});

test('macos.unresolved-dependency: @loader_path/libs/libdep.dylib, found when the wheel has it there', () => {
  const fx = macosWheelFixtures();
  const missing = runRule(macosRule, { binaries: { [EXT]: fx['ext-loader.so'] }, targets: [arm11] });
  assert.deepEqual(missing.map((f) => [f.check, f.evidence.reason, f.message]), [
    [unresolvedDependency.id, 'loader_path', `${EXT} (arm64) loads @loader_path/libs/libdep.dylib, which resolves to no file in the wheel: pkg/libs/libdep.dylib is not in the wheel`],
  ]);
  assert.deepEqual(runRule(macosRule, { binaries: { [EXT]: fx['ext-loader.so'], 'pkg/libs/libdep.dylib': fx['libdep.dylib'] }, targets: [arm11] }), []);
});

test('macos.unresolved-dependency: a bundled library inherits the LC_RPATH of the extension that loads it (dyld searches the load chain)', () => {
  const fx = macosWheelFixtures();
  const LEAF = 'pkg/.dylibs/libleaf.dylib';
  assert.deepEqual(runRule(macosRule, { binaries: { [EXT]: fx['ext.so'], [DEP]: fx['libchain.dylib'], [LEAF]: fx['libleaf.dylib'] }, targets: [arm11] }), []);
  const missingLeaf = runRule(macosRule, { binaries: { [EXT]: fx['ext.so'], [DEP]: fx['libchain.dylib'] }, targets: [arm11] });
  assert.deepEqual(missingLeaf.map((f) => [f.check, f.file, f.evidence.tried]), [[unresolvedDependency.id, DEP, [LEAF]]]);
  const alone = runRule(macosRule, { binaries: { [DEP]: fx['libchain.dylib'], [LEAF]: fx['libleaf.dylib'] }, targets: [arm11] });
  assert.deepEqual(alone.map((f) => [f.check, f.message]), [[unresolvedDependency.id, `${DEP} (arm64) loads @rpath/libleaf.dylib, which resolves to no file in the wheel: the binary has no LC_RPATH`]]);
});

test('macos.absolute-install-name: a Homebrew path, and the Python framework', () => {
  const fx = macosWheelFixtures();
  const brew = runRule(macosRule, { binaries: { [EXT]: fx['ext-homebrew.so'] }, targets: [arm11] });
  assert.equal(brew.length, 1);
  assert.equal(brew[0]!.check, absoluteInstallName.id);
  assert.equal(brew[0]!.message, `${EXT} (arm64) loads /opt/homebrew/opt/libdep/lib/libdep.1.dylib, an absolute path outside macOS that users' machines do not have`);
  assert.deepEqual(brew[0]!.evidence, { installName: '/opt/homebrew/opt/libdep/lib/libdep.1.dylib', arches: ['arm64'], python: false });
  const fw = runRule(macosRule, { binaries: { [EXT]: fx['ext-pyframework.so'] }, targets: [arm11] });
  assert.deepEqual(fw.map((f) => [f.check, f.evidence.installName, f.evidence.python]), [[absoluteInstallName.id, '/Library/Frameworks/Python.framework/Versions/3.11/Python', true]]);
  assert.match(fw[0]!.message, /links the Python library .*second interpreter/);
  assert.match(fw[0]!.hint, /-undefined dynamic_lookup/);
});

test('macos.non-portable-rpath: absolute and relative LC_RPATHs are named, @loader_path ones are not', () => {
  const fx = macosWheelFixtures();
  const findings = runRule(macosRule, { binaries: { [EXT]: fx['ext-rpaths.so'], [DEP]: fx['libdep.dylib'] }, targets: [arm11] });
  assert.deepEqual(findings.map((f) => [f.check, f.severity, f.evidence.rpaths, f.targets]), [[nonPortableRpath.id, 'warning', ['/usr/local/lib', 'libs'], [arm11.id]]]);
  assert.match(findings[0]!.message, /\(arm64\) has LC_RPATH \/usr\/local\/lib, libs: /);
});

test('macos.unsigned-arm64: an arm64 slice without LC_CODE_SIGNATURE; linker ad-hoc signatures and unsigned x86_64 pass', () => {
  const fx = macosWheelFixtures();
  const findings = runRule(macosRule, { binaries: { [EXT]: fx['ext-unsigned.so'], [DEP]: fx['libdep.dylib'] }, targets: [arm11] });
  assert.deepEqual(findings.map((f) => [f.check, f.severity, f.message, f.evidence, f.targets]), [
    [unsignedArm64.id, 'error', `${EXT} (arm64) has no code signature: Apple silicon kills the process that loads it (Killed: 9)`, { arch: 'arm64', signature: 'none' }, [arm11.id]],
  ]);
  const x86 = runRule(macosRule, { binaries: { [EXT]: fx['ext-x86_64-1015.so'], [DEP]: fx['libdep-x86_64.dylib'] }, targets: [mac('x86_64', '10.15', 'macosx_10_15_x86_64')] });
  assert.deepEqual(x86, []);
});

test('install names resolve like dyld: @rpath through expanded LC_RPATHs, @loader_path, @executable_path, relative, system', () => {
  const files = new Set(['pkg/.dylibs/liba.dylib', 'lib/libb.dylib']);
  const rpaths = [expandRpath('@loader_path/.dylibs', 'pkg/_core.so'), expandRpath('@loader_path/../lib', 'pkg/_core.so'), expandRpath('/usr/lib/swift', 'pkg/_core.so')];
  assert.deepEqual(rpaths[1], { kind: 'wheel', raw: '@loader_path/../lib', dir: 'lib' });
  const opts = { binaryPath: 'pkg/_core.so', rpaths, files };
  assert.deepEqual(resolveInstallName('@rpath/liba.dylib', opts), { kind: 'bundled', at: 'pkg/.dylibs/liba.dylib' });
  assert.deepEqual(resolveInstallName('@rpath/libb.dylib', opts), { kind: 'bundled', at: 'lib/libb.dylib' });
  assert.deepEqual(resolveInstallName('@rpath/libswiftCore.dylib', opts), { kind: 'system', path: '/usr/lib/swift/libswiftCore.dylib' });
  assert.deepEqual(resolveInstallName('@loader_path/../lib/libb.dylib', opts), { kind: 'bundled', at: 'lib/libb.dylib' });
  assert.deepEqual(resolveInstallName('@executable_path/../lib/libpython3.11.dylib', opts), { kind: 'unresolved', reason: 'executable_path', tried: [] });
  assert.deepEqual(resolveInstallName('libextfunc.dylib', opts), { kind: 'unresolved', reason: 'relative', tried: [] });
  assert.deepEqual(resolveInstallName('/usr/lib/libSystem.B.dylib', opts), { kind: 'system', path: '/usr/lib/libSystem.B.dylib' });
  assert.deepEqual(resolveInstallName('/usr/local/lib/libgfortran.5.dylib', opts), { kind: 'absolute', path: '/usr/local/lib/libgfortran.5.dylib', python: false });
  assert.equal(expandRpath('@loader_path/../../..', 'pkg/_core.so').kind, 'outside');
  assert.equal(joinWheelPath('pkg', '../../x'), null);
  assert.ok(isNonPortableRpath('/usr/local/lib') && isNonPortableRpath('libs') && !isNonPortableRpath('@loader_path/.dylibs') && !isNonPortableRpath('@executable_path/../lib'));
});
