/**
 * python.missing-init-function on ELF, Mach-O and PE extension modules, and
 * the helpers that decide which files are extension modules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRule } from '../support/audit-context.ts';
import { pythonExtFixtures } from '../fixtures/python-ext.ts';
import { macosWheelFixtures } from '../fixtures/macos-wheel.ts';
import { windowsWheelFixtures } from '../fixtures/windows-wheel.ts';
import { targetId, type Target } from '../../src/target.ts';
import { initFunctionRule, missingInitFunction } from '../../src/rules/python/init-function.ts';
import { extensionFileName, initFunctionName } from '../../src/rules/python/extension-name.ts';

function target(p: Partial<Target> & Pick<Target, 'os' | 'arch'>): Target {
  const t: Target = { id: '', libc: null, minOs: null, policy: null, python: null, node: null, claims: [], ...p };
  return { ...t, id: p.id ?? targetId(t) };
}
const py = (abi: string, interpreters = ['cp311']) => ({ interpreters, abi, minimum: abi === 'abi3' ? '3.8' : null });
const linux = target({ os: 'linux', arch: 'x86_64', libc: { kind: 'glibc', minVersion: '2.17' }, python: py('cp311') });
const linuxNone = target({ os: 'linux', arch: 'x86_64', libc: { kind: 'glibc', minVersion: '2.17' }, python: py('none', ['py3']) });
const mac = target({ os: 'macos', arch: 'arm64', minOs: '11.0', policy: 'macosx_11_0', python: py('cp311') });
const win = target({ os: 'windows', arch: 'x86_64', python: py('cp311') });

test('extension module file names and their init functions', () => {
  assert.deepEqual(extensionFileName('pkg/_core.cpython-311-x86_64-linux-gnu.so'), { module: '_core', suffix: '.cpython-311-x86_64-linux-gnu.so', tagged: true });
  assert.deepEqual(extensionFileName('pkg/_core.abi3.so'), { module: '_core', suffix: '.abi3.so', tagged: true });
  assert.deepEqual(extensionFileName('pkg/_core.cp311-win_amd64.pyd'), { module: '_core', suffix: '.cp311-win_amd64.pyd', tagged: true });
  assert.deepEqual(extensionFileName('pkg/_core.pypy310-pp73-x86_64-linux-gnu.so'), { module: '_core', suffix: '.pypy310-pp73-x86_64-linux-gnu.so', tagged: true });
  assert.deepEqual(extensionFileName('_core.pyd'), { module: '_core', suffix: '.pyd', tagged: false });
  assert.equal(extensionFileName('pkg.libs/libfoo-1a2b3c4d.so.1'), null);
  assert.equal(extensionFileName('pkg/.dylibs/libdep.dylib'), null);
  assert.equal(extensionFileName('pkg/foo-bar.so'), null, 'not an identifier');
  assert.equal(initFunctionName('_core'), 'PyInit__core');
  // Python: 'héllo'.encode('punycode') == b'hllo-bpa'
  assert.equal(initFunctionName('héllo'), 'PyInitU_hllo_bpa');
});

test('python.missing-init-function: an ELF module built with -fvisibility=hidden exports no PyInit_hidden; a twin exporting it passes', () => {
  const fx = pythonExtFixtures();
  const path = 'pkg/hidden.cpython-311-x86_64-linux-gnu.so';
  const findings = runRule(initFunctionRule, { binaries: { [path]: fx['hidden.so'] }, targets: [linux] });
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.check, missingInitFunction.id);
  assert.equal(f.severity, 'error');
  assert.equal(f.file, path);
  assert.deepEqual(f.targets, [linux.id]);
  assert.equal(f.message, `${path} does not export PyInit_hidden: \`import hidden\` fails with "dynamic module does not define module export function (PyInit_hidden)"`);
  assert.deepEqual(f.evidence, { module: 'hidden', expected: 'PyInit_hidden', exportedInitFunctions: [], slices: ['x86_64'] });
  assert.deepEqual(runRule(initFunctionRule, { binaries: { 'pkg/abi3ok.abi3.so': fx['abi3ok.so'] }, targets: [linux] }), []);
});

test('python.missing-init-function: a renamed ELF module names the init function it does export', () => {
  const fx = pythonExtFixtures();
  const findings = runRule(initFunctionRule, { binaries: { 'pkg/speedups.cpython-311-x86_64-linux-gnu.so': fx['other.so'] }, targets: [linux] });
  assert.equal(findings.length, 1);
  assert.match(findings[0]!.message, /does not export PyInit_speedups: .*; it exports PyInit_other$/);
  assert.deepEqual(findings[0]!.evidence.exportedInitFunctions, ['PyInit_other']);
  assert.match(findings[0]!.hint, /built as module other/);
  assert.deepEqual(runRule(initFunctionRule, { binaries: { 'pkg/other.cpython-311-x86_64-linux-gnu.so': fx['other.so'] }, targets: [linux] }), []);
});

test('python.missing-init-function: a plain <name>.so is a module only if it uses the C API in a wheel with a Python ABI', () => {
  const fx = pythonExtFixtures();
  const plain = runRule(initFunctionRule, { binaries: { 'pkg/plainlib.so': fx['plainlib.so'] }, targets: [linux] });
  assert.deepEqual(plain.map((f) => [f.check, f.evidence.expected]), [[missingInitFunction.id, 'PyInit_plainlib']]);
  assert.deepEqual(runRule(initFunctionRule, { binaries: { 'pkg/libplain.so': fx['plainlib.so'] }, targets: [linux] }), [], 'lib*.so is a library');
  assert.deepEqual(runRule(initFunctionRule, { binaries: { 'pkg.libs/plain.so': fx['plainlib.so'] }, targets: [linux] }), [], 'bundled library directory');
  assert.deepEqual(runRule(initFunctionRule, { binaries: { 'pkg/plainlib.so': fx['plainlib.so'] }, targets: [linuxNone] }), [], 'py3-none wheel: loaded by ctypes');
});

test('python.missing-init-function on Mach-O: _PyInit_ext is found (leading underscore), a renamed copy fails per slice', () => {
  const fx = macosWheelFixtures();
  assert.deepEqual(runRule(initFunctionRule, { binaries: { 'pkg/ext.cpython-311-darwin.so': fx['ext.so'] }, targets: [mac] }), []);
  const findings = runRule(initFunctionRule, { binaries: { 'pkg/fast.cpython-311-darwin.so': fx['ext-universal.so'] }, targets: [mac] });
  assert.equal(findings.length, 1);
  assert.equal(
    findings[0]!.message,
    'pkg/fast.cpython-311-darwin.so (x86_64, arm64 slices) does not export PyInit_fast: `import fast` fails with "dynamic module does not define module export function (PyInit_fast)"; it exports PyInit_ext',
  );
  assert.deepEqual(findings[0]!.evidence.slices, ['x86_64', 'arm64']);
  assert.deepEqual(findings[0]!.targets, [mac.id]);
});

test('python.missing-init-function on PE: the export directory must name PyInit_<module>', () => {
  const fx = windowsWheelFixtures();
  assert.deepEqual(runRule(initFunctionRule, { binaries: { 'pkg/ext.cp311-win_amd64.pyd': fx['ext-py311.pyd'] }, targets: [win] }), []);
  const hidden = runRule(initFunctionRule, { binaries: { 'pkg/ext.cp311-win_amd64.pyd': fx['ext-hidden.pyd'] }, targets: [win] });
  assert.deepEqual(hidden.map((f) => [f.check, f.evidence.expected, f.targets]), [[missingInitFunction.id, 'PyInit_ext', [win.id]]]);
  const renamed = runRule(initFunctionRule, { binaries: { 'pkg/other.pyd': fx['ext-py311.pyd'] }, targets: [win] });
  assert.deepEqual(renamed.map((f) => f.evidence.exportedInitFunctions), [['PyInit_ext']]);
});
