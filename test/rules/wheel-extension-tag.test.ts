/**
 * python.extension-tag-mismatch: extension-module file names vs the wheel's
 * tags. The suffix parser and the import decision are tested on their own;
 * the rule runs on wheels holding real extension builds (ELF glibc / musl /
 * AArch64, PE, Mach-O) under the names each case needs, beside clean twins.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildWheel } from '../support/wheel-builder.ts';
import { EXTENSION_TAG_MISMATCH, extensionTagRule } from '../../src/rules/wheel/extension-tag.ts';
import { describeSuffix, parseClaim, parseExtensionName, whyNotImported } from '../../src/rules/wheel/extension-suffix.ts';
import { wheelFixtures, type WheelFixture } from '../fixtures/wheel.ts';
import { runWheelRule } from './wheel-context.ts';

const fx = wheelFixtures();
const bytes = (f: WheelFixture) => readFileSync(fx[f]);

async function run(tag: string, files: Record<string, WheelFixture>) {
  const spec = { tag, files: { 'demo/__init__.py': '', ...Object.fromEntries(Object.entries(files).map(([p, f]) => [p, bytes(f)])) } };
  return runWheelRule(extensionTagRule, buildWheel(spec));
}

test('suffixes: CPython, free-threaded, abi3, PyPy, Windows, bare', () => {
  const n = (s: string) => {
    const r = parseExtensionName(s);
    assert.ok(r, s);
    return r;
  };
  assert.deepEqual(n('_core.cpython-311-x86_64-linux-gnu.so'), {
    module: '_core',
    suffix: '.cpython-311-x86_64-linux-gnu.so',
    extension: 'so',
    interpreter: { kind: 'cpython', version: '3.11', flags: '' },
    platform: { os: 'linux', arch: 'x86_64', libc: 'gnu', triplet: 'x86_64-linux-gnu' },
    tagged: true,
  });
  assert.deepEqual(n('_core.cpython-313t-aarch64-linux-musl.so').interpreter, { kind: 'cpython', version: '3.13', flags: 't' });
  assert.deepEqual(n('_core.cpython-313t-aarch64-linux-musl.so').platform, { os: 'linux', arch: 'arm64', libc: 'musl', triplet: 'aarch64-linux-musl' });
  assert.deepEqual(n('_core.cpython-37m-i386-linux-gnu.so').platform, { os: 'linux', arch: 'i386', libc: 'gnu', triplet: 'i386-linux-gnu' });
  assert.deepEqual(n('_core.cpython-311-arm-linux-gnueabihf.so').platform, { os: 'linux', arch: 'arm', libc: 'gnu', triplet: 'arm-linux-gnueabihf' });
  assert.deepEqual(n('_core.cpython-311-powerpc64le-linux-gnu.so').platform, { os: 'linux', arch: 'ppc64le', libc: 'gnu', triplet: 'powerpc64le-linux-gnu' });
  assert.deepEqual(n('_core.cpython-312-darwin.so').platform, { os: 'macos' });
  assert.deepEqual(n('_core.abi3.so').interpreter, { kind: 'abi3', freeThreaded: false });
  assert.deepEqual(n('_core.pypy310-pp73-x86_64-linux-gnu.so').interpreter, { kind: 'pypy', tag: 'pypy310-pp73' });
  assert.deepEqual(n('_core.cp311-win_amd64.pyd').platform, { os: 'windows', arch: 'x86_64', tag: 'win_amd64' });
  assert.deepEqual(n('_core_d.cp311-win32.pyd').interpreter, { kind: 'cpython', version: '3.11', flags: 'd' });
  assert.equal(n('_core_d.cp311-win32.pyd').module, '_core');
  assert.deepEqual([n('_core.so').tagged, n('_core.so').interpreter], [false, { kind: 'any' }]);
  assert.deepEqual(n('_core.cpython-311-x86_64-freebsd.so').platform, { os: 'other', text: 'x86_64-freebsd' });
  for (const not of ['libfoo.so.1', 'foo.py', 'foo.dll', 'foo.dylib']) assert.equal(parseExtensionName(not), null, not);
  assert.equal(describeSuffix(n('_core.cpython-313t-x86_64-linux-musl.so')), 'free-threaded CPython 3.13, x86_64 Linux (musl)');
});

test('import decisions per claim', () => {
  const why = (file: string, triple: string) => {
    const [python, abi, platform] = triple.split('-') as [string, string, string];
    return whyNotImported(parseExtensionName(file)!, parseClaim({ python, abi, platform }));
  };
  assert.equal(why('_c.cpython-311-x86_64-linux-gnu.so', 'cp311-cp311-manylinux_2_17_x86_64'), null);
  assert.match(why('_c.cpython-311-x86_64-linux-gnu.so', 'cp312-cp312-manylinux_2_17_x86_64')!, /built for CPython 3\.11, claimed for CPython 3\.12/);
  assert.match(why('_c.cpython-311-x86_64-linux-gnu.so', 'cp38-abi3-manylinux_2_17_x86_64')!, /CPython 3\.11-only file name in a stable-ABI/);
  assert.equal(why('_c.abi3.so', 'cp311-cp311-manylinux_2_17_x86_64'), null);
  assert.match(why('_c.abi3.so', 'cp313-cp313t-manylinux_2_17_x86_64')!, /free-threaded CPython does not load the stable ABI/);
  assert.match(why('_c.cpython-313-x86_64-linux-gnu.so', 'cp313-cp313t-manylinux_2_17_x86_64')!, /ABI flags '' in the file name, 't' in the claim/);
  assert.equal(why('_c.cpython-37m-x86_64-linux-gnu.so', 'cp37-cp37m-manylinux1_x86_64'), null);
  assert.match(why('_c.cpython-311-aarch64-linux-gnu.so', 'cp311-cp311-manylinux_2_17_x86_64')!, /built for arm64 \(aarch64-linux-gnu\), claimed for x86_64/);
  assert.match(why('_c.cpython-311-x86_64-linux-musl.so', 'cp311-cp311-manylinux_2_17_x86_64')!, /'-linux-musl' suffix in a glibc wheel/);
  assert.equal(why('_c.cpython-311-x86_64-linux-musl.so', 'cp311-cp311-musllinux_1_2_x86_64'), null);
  assert.match(why('_c.cpython-311-x86_64-linux-gnu.so', 'cp311-cp311-musllinux_1_2_x86_64')!, /'-linux-gnu' suffix in a musllinux wheel/);
  assert.equal(why('_c.cpython-310-x86_64-linux-gnu.so', 'cp310-cp310-musllinux_1_1_x86_64'), null, 'musl CPython before 3.11 still says -gnu');
  assert.match(why('_c.cpython-310-x86_64-linux-musl.so', 'cp310-cp310-musllinux_1_1_x86_64')!, /still looks for '-linux-gnu'/);
  assert.equal(why('_c.cp311-win_amd64.pyd', 'cp311-cp311-win_amd64'), null);
  assert.equal(why('_c.cp37-win_amd64.pyd', 'cp37-cp37m-win_amd64'), null, 'Windows suffixes carry no m flag');
  assert.match(why('_c.cp311-win32.pyd', 'cp311-cp311-win_amd64')!, /built for win32, claimed for win_amd64/);
  assert.match(why('_c.cpython-311-x86_64-linux-gnu.so', 'cp311-cp311-win_amd64')!, /'\.so' file name in a Windows wheel/);
  assert.equal(why('_c.pyd', 'cp38-abi3-win_amd64'), null);
  assert.match(why('_c.pyd', 'cp311-cp311-manylinux_2_17_x86_64')!, /Windows \.pyd in a Linux wheel/);
  assert.equal(why('_c.cpython-311-darwin.so', 'cp311-cp311-macosx_11_0_arm64'), null);
  assert.match(why('_c.cpython-311-x86_64-linux-gnu.so', 'cp311-cp311-macosx_11_0_arm64')!, /a Linux file name in a macOS wheel/);
  assert.equal(why('_c.pypy310-pp73-x86_64-linux-gnu.so', 'pp310-pypy310_pp73-manylinux_2_17_x86_64'), null);
  assert.match(why('_c.pypy39-pp73-x86_64-linux-gnu.so', 'pp310-pypy310_pp73-manylinux_2_17_x86_64')!, /built for pypy39-pp73, claimed for pypy310_pp73/);
  assert.match(why('_c.cpython-310-x86_64-linux-gnu.so', 'pp310-pypy310_pp73-manylinux_2_17_x86_64')!, /claimed for PyPy/);
  assert.match(why('_c.cpython-311-x86_64-linux-gnu.so', 'py3-none-manylinux_2_17_x86_64')!, /CPython 3\.11-only file name in a wheel tagged py3-none/);
  assert.equal(why('_c.so', 'cp312-cp312-manylinux_2_17_x86_64'), null);
});

test('clean twins: each build under the suffix its wheel claims', async () => {
  const cases: [string, Record<string, WheelFixture>][] = [
    ['cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64', { 'demo/_ext.cpython-311-x86_64-linux-gnu.so': 'ext-x86_64-glibc.so' }],
    ['cp311-cp311-manylinux_2_17_aarch64', { 'demo/_ext.cpython-311-aarch64-linux-gnu.so': 'ext-aarch64-glibc.so' }],
    ['cp311-cp311-manylinux_2_17_i686', { 'demo/_ext.cpython-311-i386-linux-gnu.so': 'ext-i686-glibc.so' }],
    ['cp311-cp311-musllinux_1_2_x86_64', { 'demo/_ext.cpython-311-x86_64-linux-musl.so': 'ext-x86_64-musl.so' }],
    ['cp38-abi3-manylinux_2_17_x86_64', { 'demo/_ext.abi3.so': 'ext-x86_64-glibc.so' }],
    ['cp311-cp311-manylinux_2_17_x86_64', { 'demo/_ext.abi3.so': 'ext-x86_64-glibc.so' }],
    ['cp311-cp311-win_amd64', { 'demo/_ext.cp311-win_amd64.pyd': 'ext-win_amd64.pyd' }],
    ['cp311-cp311-win32', { 'demo/_ext.cp311-win32.pyd': 'ext-win32.pyd' }],
    ['cp38-abi3-win_amd64', { 'demo/_ext.pyd': 'ext-win_amd64.pyd' }],
    ['cp311-cp311-macosx_11_0_arm64', { 'demo/_ext.cpython-311-darwin.so': 'ext-macos-arm64.so' }],
    ['pp310-pypy310_pp73-manylinux_2_17_x86_64', { 'demo/_ext.pypy310-pp73-x86_64-linux-gnu.so': 'ext-x86_64-glibc.so' }],
    ['cp310.cp311-cp310.cp311-manylinux_2_17_x86_64', { 'demo/_ext.cpython-310-x86_64-linux-gnu.so': 'ext-x86_64-glibc.so', 'demo/_ext.cpython-311-x86_64-linux-gnu.so': 'ext-x86_64-glibc.so' }],
    // A shared library that is no extension module is not judged.
    ['cp312-cp312-manylinux_2_17_x86_64', { 'demo.libs/libhelper-1a2b3c4d.so.1': 'ext-x86_64-glibc.so', 'demo/_ext.cpython-312-x86_64-linux-gnu.so': 'ext-x86_64-glibc.so' }],
  ];
  for (const [tag, files] of cases) assert.deepEqual(await run(tag, files), [], tag);
});

test('a cp311 extension in a wheel renamed to cp312', async () => {
  const findings = await run('cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64', { 'demo/_ext.cpython-311-x86_64-linux-gnu.so': 'ext-x86_64-glibc.so' });
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.check, EXTENSION_TAG_MISMATCH.id);
  assert.equal(f.severity, 'error');
  assert.equal(f.file, 'demo/_ext.cpython-311-x86_64-linux-gnu.so');
  assert.equal(
    f.message,
    'demo/_ext.cpython-311-x86_64-linux-gnu.so is for CPython 3.11, x86_64 Linux (glibc), but the wheel claims cp312-cp312-manylinux_2_17_x86_64, cp312-cp312-manylinux2014_x86_64: built for CPython 3.11, claimed for CPython 3.12',
  );
  assert.deepEqual(f.targets, ['linux-x86_64-glibc2.17']);
  assert.deepEqual(f.evidence.uncoveredClaims, ['cp312-cp312-manylinux_2_17_x86_64', 'cp312-cp312-manylinux2014_x86_64']);
  assert.equal(f.evidence.module, 'demo._ext');
});

test('an AArch64 suffix in an x86_64 wheel', async () => {
  const [f, ...rest] = await run('cp311-cp311-manylinux_2_17_x86_64', { 'demo/_ext.cpython-311-aarch64-linux-gnu.so': 'ext-aarch64-glibc.so' });
  assert.equal(rest.length, 0);
  assert.match(f!.message, /^demo\/_ext\.cpython-311-aarch64-linux-gnu\.so is for CPython 3\.11, arm64 Linux \(glibc\), but the wheel claims cp311-cp311-manylinux_2_17_x86_64: built for arm64 \(aarch64-linux-gnu\), claimed for x86_64/);
  assert.deepEqual(f!.targets, ['linux-x86_64-glibc2.17']);
});

test('a -linux-musl module in a manylinux wheel, and a -linux-gnu module in a cp311 musllinux wheel', async () => {
  const [a] = await run('cp311-cp311-manylinux_2_17_x86_64', { 'demo/_ext.cpython-311-x86_64-linux-musl.so': 'ext-x86_64-musl.so' });
  assert.match(a!.message, /'-linux-musl' suffix in a glibc wheel \(manylinux_2_17_x86_64\)/);
  assert.deepEqual(a!.targets, ['linux-x86_64-glibc2.17']);
  const [b] = await run('cp311-cp311-musllinux_1_2_x86_64', { 'demo/_ext.cpython-311-x86_64-linux-gnu.so': 'ext-x86_64-musl.so' });
  assert.match(b!.message, /'-linux-gnu' suffix in a musllinux wheel: CPython 3\.11 on musl looks for '-linux-musl'/);
  assert.deepEqual(b!.targets, ['linux-x86_64-musl1.2']);
});

test('a version-specific module in an abi3 wheel, and .abi3.so in a free-threaded wheel', async () => {
  const [a] = await run('cp38-abi3-manylinux_2_17_x86_64', { 'demo/_ext.cpython-311-x86_64-linux-gnu.so': 'ext-x86_64-glibc.so' });
  assert.match(a!.message, /a CPython 3\.11-only file name in a stable-ABI \(abi3\) wheel: other CPython versions will not find it/);
  assert.match(a!.hint, /Py_LIMITED_API so it is named _ext\.abi3\.so/);
  const [b] = await run('cp313-cp313t-manylinux_2_17_x86_64', { 'demo/_ext.abi3.so': 'ext-x86_64-glibc.so' });
  assert.match(b!.message, /^demo\/_ext\.abi3\.so is for the stable ABI \(abi3\), but the wheel claims cp313-cp313t-manylinux_2_17_x86_64: free-threaded CPython does not load the stable ABI/);
});

test('Windows: a cp311 .pyd in a cp312 wheel, a win32 .pyd in a win_amd64 wheel', async () => {
  const [a] = await run('cp312-cp312-win_amd64', { 'demo/_ext.cp311-win_amd64.pyd': 'ext-win_amd64.pyd' });
  assert.match(a!.message, /^demo\/_ext\.cp311-win_amd64\.pyd is for CPython 3\.11, Windows x86_64 \(win_amd64\), but the wheel claims cp312-cp312-win_amd64/);
  assert.deepEqual(a!.targets, ['windows-x86_64']);
  const [b] = await run('cp311-cp311-win_amd64', { 'demo/_ext.cp311-win32.pyd': 'ext-win32.pyd' });
  assert.match(b!.message, /built for win32, claimed for win_amd64/);
});

test('macOS: a cpython-311-darwin module in a cp312 wheel; a Linux name on a Mach-O in a macOS wheel', async () => {
  const [a] = await run('cp312-cp312-macosx_11_0_arm64', { 'demo/_ext.cpython-311-darwin.so': 'ext-macos-arm64.so' });
  assert.match(a!.message, /is for CPython 3\.11, macOS, but the wheel claims cp312-cp312-macosx_11_0_arm64/);
  assert.deepEqual(a!.targets, ['macos-arm64-11.0']);
  const [b] = await run('cp311-cp311-macosx_11_0_arm64', { 'demo/_ext.cpython-311-x86_64-linux-gnu.so': 'ext-macos-arm64.so' });
  assert.match(b!.message, /a Linux file name in a macOS wheel \(macosx_11_0_arm64\)/);
});

test('PyPy: a pypy39 module in a pypy310 wheel, a CPython module in a PyPy wheel', async () => {
  const [a] = await run('pp310-pypy310_pp73-manylinux_2_17_x86_64', { 'demo/_ext.pypy39-pp73-x86_64-linux-gnu.so': 'ext-x86_64-glibc.so' });
  assert.match(a!.message, /built for pypy39-pp73, claimed for pypy310_pp73/);
  const [b] = await run('pp310-pypy310_pp73-manylinux_2_17_x86_64', { 'demo/_ext.cpython-310-x86_64-linux-gnu.so': 'ext-x86_64-glibc.so' });
  assert.match(b!.message, /built for CPython 3\.10, claimed for PyPy \(pypy310_pp73\)/);
});

test('a two-version wheel missing one variant names the uncovered claim', async () => {
  const findings = await run('cp310.cp311-cp310.cp311-manylinux_2_17_x86_64', { 'demo/_ext.cpython-311-x86_64-linux-gnu.so': 'ext-x86_64-glibc.so' });
  assert.equal(findings.length, 1);
  // The ABI tag decides: every triple with the cp310 ABI is uncovered, whatever its python tag.
  assert.deepEqual(findings[0]!.evidence.uncoveredClaims, ['cp310-cp310-manylinux_2_17_x86_64', 'cp311-cp310-manylinux_2_17_x86_64']);
  assert.match(findings[0]!.message, /but the wheel claims cp310-cp310-manylinux_2_17_x86_64, cp311-cp310-manylinux_2_17_x86_64: built for CPython 3\.11, claimed for CPython 3\.10$/);
  assert.deepEqual(findings[0]!.targets, ['linux-x86_64-glibc2.17']);
});

test('a stale variant that no claim imports, beside one that serves every claim, is a warning', async () => {
  const findings = await run('cp311-cp311-manylinux_2_17_x86_64', {
    'demo/_ext.cpython-311-x86_64-linux-gnu.so': 'ext-x86_64-glibc.so',
    'demo/_ext.cpython-310-x86_64-linux-gnu.so': 'ext-x86_64-glibc.so',
  });
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.deepEqual([f.check, f.severity, f.file, f.targets], [EXTENSION_TAG_MISMATCH.id, 'warning', 'demo/_ext.cpython-310-x86_64-linux-gnu.so', []]);
  assert.match(f.message, /is for CPython 3\.10, x86_64 Linux \(glibc\), which no tag of the wheel claims .*never imported$/);
});

test('two variants that both miss name every file of the module', async () => {
  const findings = await run('cp312-cp312-manylinux_2_17_x86_64', {
    'demo/_ext.cpython-311-x86_64-linux-gnu.so': 'ext-x86_64-glibc.so',
    'demo/_ext.cpython-310-x86_64-linux-gnu.so': 'ext-x86_64-glibc.so',
  });
  assert.equal(findings.length, 1);
  assert.match(findings[0]!.message, /^no file of module demo\._ext is importable under cp312-cp312-manylinux_2_17_x86_64 \(found _ext\.cpython-31[01]-x86_64-linux-gnu\.so, _ext\.cpython-31[01]-x86_64-linux-gnu\.so\)/);
  assert.equal((findings[0]!.evidence.files as unknown[]).length, 2);
});

test('extensionTagRule declares its checks under their stable ids, each tested above', () => {
  assert.deepEqual(extensionTagRule.checks.map((c) => c.id), ['python.extension-tag-mismatch']);
});
