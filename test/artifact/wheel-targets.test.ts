/**
 * Claims → targets: aliases merged, multi-architecture macOS tags split, the
 * arm64 floor at macOS 11.0, libc kinds and floors, Python ABI, and no targets
 * for pure or unknown tags.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWheelFilename } from '../../src/artifact/wheel/filename.ts';
import type { WheelModel } from '../../src/artifact/wheel/model.ts';
import { wheelPythonAbi, wheelTargets } from '../../src/artifact/wheel/targets.ts';

function targetsOf(filename: string) {
  const r = parseWheelFilename(filename);
  assert.ok(r.ok, filename);
  const model: WheelModel = { filename, parsed: r.filename, filenameError: null, distInfoDirs: [], distInfo: null, dataDirs: [], metadata: null, wheel: null, record: null };
  return wheelTargets(model);
}

test('manylinux aliases merge into one target that lists both claims', () => {
  const t = targetsOf('demo-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl');
  assert.equal(t.length, 1);
  assert.deepEqual(t[0], {
    id: 'linux-x86_64-glibc2.17',
    os: 'linux',
    arch: 'x86_64',
    libc: { kind: 'glibc', minVersion: '2.17' },
    minOs: null,
    policy: 'manylinux_2_17',
    python: { interpreters: ['cp311'], abi: 'cp311', minimum: null },
    node: null,
    claims: ['manylinux_2_17_x86_64', 'manylinux2014_x86_64'],
  });
});

test('different glibc floors for one architecture stay separate targets', () => {
  const t = targetsOf('psutil-5.9.5-cp36-abi3-manylinux_2_12_x86_64.manylinux2010_x86_64.manylinux_2_17_x86_64.manylinux2014_x86_64.whl');
  assert.deepEqual(t.map((x) => [x.id, x.claims]), [
    ['linux-x86_64-glibc2.12', ['manylinux_2_12_x86_64', 'manylinux2010_x86_64']],
    ['linux-x86_64-glibc2.17', ['manylinux_2_17_x86_64', 'manylinux2014_x86_64']],
  ]);
  assert.deepEqual(t[0]!.python, { interpreters: ['cp36'], abi: 'abi3', minimum: '3.6' });
});

test('musllinux, linux_*, i686 and aarch64 names map to libc kinds and canonical archs', () => {
  assert.deepEqual(targetsOf('demo-1.0-cp312-cp312-musllinux_1_2_aarch64.whl').map((t) => [t.id, t.libc, t.policy]), [['linux-arm64-musl1.2', { kind: 'musl', minVersion: '1.2' }, 'musllinux_1_2']]);
  assert.deepEqual(targetsOf('demo-1.0-cp312-cp312-linux_x86_64.whl').map((t) => [t.id, t.libc, t.policy]), [['linux-x86_64-glibc', { kind: 'glibc', minVersion: null }, 'linux']]);
  assert.deepEqual(targetsOf('demo-1.0-cp39-cp39-manylinux1_i686.whl').map((t) => t.id), ['linux-i386-glibc2.5']);
});

test('universal2 becomes x86_64 and arm64, arm64 no older than macOS 11.0', () => {
  const t = targetsOf('demo-1.0-cp38-abi3-macosx_10_9_universal2.whl');
  assert.deepEqual(t.map((x) => [x.id, x.arch, x.minOs, x.policy, x.claims]), [
    ['macos-x86_64-10.9', 'x86_64', '10.9', 'macosx_10_9', ['macosx_10_9_universal2']],
    ['macos-arm64-11.0', 'arm64', '11.0', 'macosx_11_0', ['macosx_10_9_universal2']],
  ]);
  assert.deepEqual(t[0]!.python, { interpreters: ['cp38'], abi: 'abi3', minimum: '3.8' });
});

test('a universal2 tag beside a thin arm64 11.0 tag shares the arm64 target', () => {
  const t = targetsOf('demo-1.0-cp312-cp312-macosx_10_13_universal2.macosx_11_0_arm64.whl');
  assert.deepEqual(t.map((x) => [x.id, x.claims]), [
    ['macos-x86_64-10.13', ['macosx_10_13_universal2']],
    ['macos-arm64-11.0', ['macosx_10_13_universal2', 'macosx_11_0_arm64']],
  ]);
});

test('intel becomes i386 and x86_64; arm64 above 11 keeps its own floor', () => {
  assert.deepEqual(targetsOf('demo-1.0-cp27-cp27m-macosx_10_6_intel.whl').map((t) => t.id), ['macos-i386-10.6', 'macos-x86_64-10.6']);
  assert.deepEqual(targetsOf('demo-1.0-cp312-cp312-macosx_14_0_arm64.whl').map((t) => [t.id, t.policy]), [['macos-arm64-14.0', 'macosx_14_0']]);
});

test('Windows, Android and iOS targets', () => {
  assert.deepEqual(targetsOf('demo-1.0-cp311-cp311-win_amd64.whl').map((t) => [t.id, t.os, t.libc, t.policy]), [['windows-x86_64', 'windows', null, null]]);
  assert.deepEqual(targetsOf('demo-1.0-cp311-cp311-win32.whl').map((t) => t.id), ['windows-i386']);
  assert.deepEqual(targetsOf('demo-1.0-cp311-cp311-win_arm64.whl').map((t) => t.id), ['windows-arm64']);
  assert.deepEqual(targetsOf('demo-1.0-cp313-cp313-android_24_arm64_v8a.whl').map((t) => [t.id, t.libc, t.minOs, t.policy]), [['android-arm64-bionic-24', { kind: 'bionic', minVersion: null }, '24', 'android_24']]);
  assert.deepEqual(targetsOf('demo-1.0-cp313-cp313-ios_13_0_arm64_iphoneos.whl').map((t) => [t.id, t.minOs]), [['ios-arm64-13.0', '13.0']]);
});

test('pure, Emscripten and unknown tags make no targets', () => {
  assert.deepEqual(targetsOf('demo-1.0-py3-none-any.whl'), []);
  assert.deepEqual(targetsOf('demo-1.0-cp312-cp312-pyemscripten_2024_0_wasm32.whl'), []);
  assert.deepEqual(targetsOf('demo-1.0-cp312-cp312-macosx_11_0_amd64.whl'), []);
  assert.deepEqual(targetsOf('demo-1.0-py3-none-any.linux_x86_64.whl').map((t) => t.id), ['linux-x86_64-glibc']);
  const bad: WheelModel = { filename: 'x.whl', parsed: null, filenameError: { part: 'parts', reason: '' }, distInfoDirs: [], distInfo: null, dataDirs: [], metadata: null, wheel: null, record: null };
  assert.deepEqual(wheelTargets(bad), []);
});

test('Python ABI: abi3 minimum is the lowest cp tag; none and free-threaded ABIs as written', () => {
  assert.deepEqual(wheelPythonAbi({ pythonTags: ['cp39', 'cp38'], abiTags: ['abi3'] }), { interpreters: ['cp39', 'cp38'], abi: 'abi3', minimum: '3.8' });
  assert.deepEqual(wheelPythonAbi({ pythonTags: ['py3'], abiTags: ['none'] }), { interpreters: ['py3'], abi: 'none', minimum: null });
  assert.deepEqual(wheelPythonAbi({ pythonTags: ['cp313'], abiTags: ['cp313t'] }), { interpreters: ['cp313'], abi: 'cp313t', minimum: null });
});
