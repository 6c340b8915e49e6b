/**
 * Wheel compatibility tags: python, ABI and platform tags parsed into what
 * they promise, canonical architectures, and PyPI's platform allowlist on
 * warehouse's own test vectors (tests/unit/forklift/test_legacy.py).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandTagSets, parseAbiTag, parsePlatformTag, parsePythonTag, pypiPlatformVerdict, tripleText } from '../../src/artifact/wheel/tags.ts';

test('python tags: implementation and version from the digits', () => {
  const cases: [string, string, string | null, boolean][] = [
    ['cp311', 'cp', '3.11', false],
    ['cp39', 'cp', '3.9', false],
    ['py3', 'py', '3', false],
    ['py2', 'py', '2', false],
    ['pp310', 'pp', '3.10', false],
    ['cp313t', 'cp', '3.13', true],
    ['cp27', 'cp', '2.7', false],
    ['graalpy311', 'graalpy', '3.11', false],
    ['ip27', 'ip', '2.7', false],
  ];
  for (const [raw, impl, version, ft] of cases) {
    const t = parsePythonTag(raw);
    assert.deepEqual([t.implementation, t.version, t.freeThreaded], [impl, version, ft], raw);
  }
  assert.equal(parsePythonTag('cp311').implementationName, 'CPython');
  assert.deepEqual(parsePythonTag('weird'), { raw: 'weird', implementation: 'weird', implementationName: 'weird', version: null, freeThreaded: false });
});

test('ABI tags: none, abi3, CPython with flags, PyPy', () => {
  assert.deepEqual(parseAbiTag('none'), { kind: 'none', raw: 'none' });
  assert.deepEqual(parseAbiTag('abi3'), { kind: 'abi3', raw: 'abi3', freeThreaded: false });
  assert.deepEqual(parseAbiTag('abi3t'), { kind: 'abi3', raw: 'abi3t', freeThreaded: true });
  assert.deepEqual(parseAbiTag('cp311'), { kind: 'cpython', raw: 'cp311', version: '3.11', flags: '', debug: false, freeThreaded: false });
  assert.deepEqual(parseAbiTag('cp311d'), { kind: 'cpython', raw: 'cp311d', version: '3.11', flags: 'd', debug: true, freeThreaded: false });
  assert.deepEqual(parseAbiTag('cp313t'), { kind: 'cpython', raw: 'cp313t', version: '3.13', flags: 't', debug: false, freeThreaded: true });
  assert.deepEqual(parseAbiTag('cp37m'), { kind: 'cpython', raw: 'cp37m', version: '3.7', flags: 'm', debug: false, freeThreaded: false });
  assert.deepEqual(parseAbiTag('cp27mu'), { kind: 'cpython', raw: 'cp27mu', version: '2.7', flags: 'mu', debug: false, freeThreaded: false });
  assert.deepEqual(parseAbiTag('pypy310_pp73'), { kind: 'pypy', raw: 'pypy310_pp73', version: '3.10', pypyAbi: '73' });
  assert.deepEqual(parseAbiTag('pypy_73'), { kind: 'pypy', raw: 'pypy_73', version: null, pypyAbi: '73' });
  assert.deepEqual(parseAbiTag('graalpy311_graalpy240_311_native'), { kind: 'other', raw: 'graalpy311_graalpy240_311_native' });
});

test('manylinux: PEP 600 names and the legacy aliases, with canonical architectures', () => {
  const cases: [string, string, string, string | null, string][] = [
    ['manylinux_2_17_x86_64', '2.17', 'manylinux_2_17', null, 'x86_64'],
    ['manylinux2014_x86_64', '2.17', 'manylinux_2_17', 'manylinux2014', 'x86_64'],
    ['manylinux2010_i686', '2.12', 'manylinux_2_12', 'manylinux2010', 'i386'],
    ['manylinux1_x86_64', '2.5', 'manylinux_2_5', 'manylinux1', 'x86_64'],
    ['manylinux_2_28_aarch64', '2.28', 'manylinux_2_28', null, 'arm64'],
    ['manylinux2014_armv7l', '2.17', 'manylinux_2_17', 'manylinux2014', 'arm'],
    ['manylinux_2_17_ppc64le', '2.17', 'manylinux_2_17', null, 'ppc64le'],
    ['manylinux_2_17_ppc64', '2.17', 'manylinux_2_17', null, 'ppc64'],
    ['manylinux_2_17_s390x', '2.17', 'manylinux_2_17', null, 's390x'],
    ['manylinux_2_31_riscv64', '2.31', 'manylinux_2_31', null, 'riscv64'],
    ['manylinux_2_36_loongarch64', '2.36', 'manylinux_2_36', null, 'loongarch64'],
    ['manylinux_3_0_s390x', '3.0', 'manylinux_3_0', null, 's390x'],
  ];
  for (const [raw, glibc, policy, alias, arch] of cases) {
    const t = parsePlatformTag(raw);
    assert.equal(t.kind, 'manylinux', raw);
    if (t.kind !== 'manylinux') continue;
    assert.deepEqual([t.glibc, t.policy, t.alias, t.archs], [glibc, policy, alias, [arch]], raw);
  }
});

test('musllinux, linux_*, Windows, Android, iOS, Emscripten, any', () => {
  const m = parsePlatformTag('musllinux_1_2_aarch64');
  assert.deepEqual(m, { kind: 'musllinux', raw: 'musllinux_1_2_aarch64', archs: ['arm64'], musl: '1.2', policy: 'musllinux_1_2', archName: 'aarch64' });
  assert.deepEqual(parsePlatformTag('linux_x86_64'), { kind: 'linux', raw: 'linux_x86_64', archs: ['x86_64'], archName: 'x86_64' });
  assert.deepEqual(parsePlatformTag('linux_armv6l').archs, ['arm']);
  assert.deepEqual(parsePlatformTag('win32').archs, ['i386']);
  assert.deepEqual(parsePlatformTag('win_amd64').archs, ['x86_64']);
  assert.deepEqual(parsePlatformTag('win_arm64').archs, ['arm64']);
  assert.deepEqual(parsePlatformTag('win_ia64').archs, ['ia64']);
  assert.deepEqual(parsePlatformTag('android_21_arm64_v8a'), { kind: 'android', raw: 'android_21_arm64_v8a', archs: ['arm64'], api: 21, archName: 'arm64_v8a' });
  assert.deepEqual(parsePlatformTag('android_24_armeabi_v7a').archs, ['arm']);
  assert.deepEqual(parsePlatformTag('android_24_x86').archs, ['i386']);
  assert.deepEqual(parsePlatformTag('ios_13_0_arm64_iphonesimulator'), { kind: 'ios', raw: 'ios_13_0_arm64_iphonesimulator', archs: ['arm64'], version: '13.0', archName: 'arm64', sdk: 'iphonesimulator' });
  assert.equal(parsePlatformTag('pyemscripten_2024_0_wasm32').kind, 'emscripten');
  assert.equal(parsePlatformTag('emscripten_3_1_58_wasm32').kind, 'emscripten');
  assert.deepEqual(parsePlatformTag('any'), { kind: 'any', raw: 'any', archs: [] });
});

test('macOS: version, single and multi-architecture names', () => {
  const cases: [string, string, string[]][] = [
    ['macosx_10_9_x86_64', '10.9', ['x86_64']],
    ['macosx_11_0_arm64', '11.0', ['arm64']],
    ['macosx_10_9_universal2', '10.9', ['x86_64', 'arm64']],
    ['macosx_10_6_intel', '10.6', ['i386', 'x86_64']],
    ['macosx_10_5_fat', '10.5', ['i386', 'ppc']],
    ['macosx_10_5_fat3', '10.5', ['i386', 'ppc', 'x86_64']],
    ['macosx_10_5_fat64', '10.5', ['x86_64', 'ppc64']],
    ['macosx_10_4_universal', '10.4', ['i386', 'ppc', 'ppc64', 'x86_64']],
    ['macosx_10_4_ppc', '10.4', ['ppc']],
    ['macosx_10_4_i386', '10.4', ['i386']],
    ['macosx_14_0_arm64', '14.0', ['arm64']],
  ];
  for (const [raw, version, archs] of cases) {
    const t = parsePlatformTag(raw);
    assert.equal(t.kind, 'macosx', raw);
    if (t.kind !== 'macosx') continue;
    assert.deepEqual([t.version, t.archs], [version, archs], raw);
  }
});

test('tags nobody generates are unknown, with the reason', () => {
  const cases: [string, RegExp][] = [
    ['macosx_10_15_amd64', /unknown macOS architecture 'amd64'/],
    ['manylinux_2_17_x86', /unknown Linux architecture 'x86'/],
    ['manylinux2015_x86_64', /not manylinux_<glibc major>/],
    ['musllinux_1_x86_64', /not musllinux_/],
    ['linux_foo', /unknown Linux architecture 'foo'/],
    ['win_amd32', /not one of win32/],
    ['android_21_mips', /unknown Android ABI 'mips'/],
    ['ios_13_0_arm64_tvos', /not a platform tag/],
    ['freebsd_13_2_release_amd64', /not a platform tag any installer knows/],
    ['macosx_arm64', /not macosx_<major>_<minor>_<arch>/],
  ];
  for (const [raw, reason] of cases) {
    const t = parsePlatformTag(raw);
    assert.equal(t.kind, 'unknown', raw);
    if (t.kind === 'unknown') assert.match(t.reason, reason, raw);
    assert.deepEqual(t.archs, [], raw);
  }
});

test('PyPI accepts the platform tags warehouse accepts (warehouse test vectors)', () => {
  const valid = [
    'any', 'win32', 'win_amd64', 'win_arm64', 'win_ia64',
    'manylinux1_x86_64', 'manylinux1_i686', 'manylinux2010_x86_64', 'manylinux2010_i686',
    'manylinux2014_x86_64', 'manylinux2014_i686', 'manylinux2014_aarch64', 'manylinux2014_armv7l',
    'manylinux2014_ppc64', 'manylinux2014_ppc64le', 'manylinux2014_s390x',
    'manylinux_2_5_i686', 'manylinux_2_12_x86_64', 'manylinux_2_17_aarch64', 'manylinux_2_17_armv7l',
    'manylinux_2_17_ppc64', 'manylinux_2_17_ppc64le', 'manylinux_3_0_s390x', 'manylinux_2_31_riscv64',
    'musllinux_1_1_x86_64', 'musllinux_1_2_aarch64',
    'linux_armv6l', 'linux_armv7l',
    'macosx_10_6_intel', 'macosx_10_13_x86_64', 'macosx_11_0_x86_64', 'macosx_10_15_arm64', 'macosx_11_0_universal2',
    'macosx_15_0_arm64', 'macosx_26_0_arm64',
    // A real compound tag of some numpy wheels, member by member.
    ...'macosx_10_6_intel.macosx_10_9_intel.macosx_10_9_x86_64.macosx_10_10_intel.macosx_10_10_x86_64'.split('.'),
    'ios_13_0_arm64_iphoneos', 'ios_13_0_x86_64_iphonesimulator',
    'android_21_arm64_v8a', 'android_21_armeabi_v7a', 'android_21_x86', 'android_21_x86_64',
    'pyemscripten_2024_0_wasm32',
  ];
  for (const tag of valid) assert.deepEqual(pypiPlatformVerdict(tag), { accepted: true }, tag);
});

test('PyPI refuses linux_x86_64, macosx_9_2, macosx_11_2, macosx_16_2, macosx_27_0, amd64 on macOS (warehouse test vectors)', () => {
  const invalid: [string, RegExp][] = [
    ['linux_x86_64', /PyPI refuses linux_\* tags/],
    ['macosx_9_2_x86_64', /macOS 9 is not a release PyPI accepts/],
    ['macosx_11_2_arm64', /minor version must be 0 \(macosx_11_0_arm64\)/],
    ['macosx_16_2_arm64', /macOS 16 is not a release PyPI accepts/],
    ['macosx_27_0_arm64', /macOS 27 is not a release PyPI accepts/],
    ['macosx_10_15_amd64', /macOS architecture 'amd64'/],
    ['musllinux_1_2_ppc64', /architecture 'ppc64' is not one PyPI accepts for musllinux/],
    ['manylinux_2_17_mips64', /architecture 'mips64'/],
    ['android_21_mips', /Android ABI 'mips'/],
    ['ios_13_0_armv7_iphoneos', /iOS architecture 'armv7'/],
    ['freebsd_13_2_release_amd64', /allowlist/],
  ];
  for (const [tag, reason] of invalid) {
    const v = pypiPlatformVerdict(tag);
    assert.equal(v.accepted, false, tag);
    if (!v.accepted) assert.match(v.reason, reason, tag);
  }
  // 'linux_x86_64.win32' as a compound: its first member is refused.
  assert.equal('linux_x86_64.win32'.split('.').every((t) => pypiPlatformVerdict(t).accepted), false);
});

test('compressed tag sets expand to every python × abi × platform', () => {
  const t = expandTagSets(['cp38', 'cp39'], ['abi3'], ['manylinux_2_17_x86_64', 'manylinux2014_x86_64']);
  assert.deepEqual(t.map(tripleText), [
    'cp38-abi3-manylinux_2_17_x86_64',
    'cp38-abi3-manylinux2014_x86_64',
    'cp39-abi3-manylinux_2_17_x86_64',
    'cp39-abi3-manylinux2014_x86_64',
  ]);
});
