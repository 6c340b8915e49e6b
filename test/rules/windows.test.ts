/**
 * The Windows checks on PE fixtures built with MinGW-w64 and lld-link
 * (test/fixtures/windows-wheel.ts) placed inside a pretend wheel, and the
 * Windows DLL data they rest on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runRule } from '../support/audit-context.ts';
import { repoRoot } from '../support/fixture-builder.ts';
import { windowsWheelFixtures } from '../fixtures/windows-wheel.ts';
import { targetId, type Target } from '../../src/target.ts';
import { cpythonShipsRuntimeDll, isWindowsSystemDll, msvcRuntimeKind } from '../../src/policy/windows-dlls.ts';
import { parseDllList, renderWindowsDllData } from '../../src/policy/windows-dlls.codegen.ts';
import {
  acceptedPythonDlls,
  debugRuntime,
  dllNotBesideExtension,
  missingDll,
  msvcRuntimeNotBundled,
  pythonDllMismatch,
  windowsPythonRule,
  windowsRule as windowsImportsRule,
} from '../../src/rules/windows/windows.ts';
import type { Rule } from '../../src/audit/types.ts';

/** The two Windows rules a wheel runs (the Python DLL check, then the imports), as one. */
const windowsRule: Rule = {
  ...windowsImportsRule,
  checks: [...windowsPythonRule.checks, ...windowsImportsRule.checks],
  run(ctx) {
    windowsPythonRule.run(ctx);
    windowsImportsRule.run(ctx);
  },
};

function win(abi: string, opts: { interpreters?: string[]; minimum?: string; arch?: Target['arch'] } = {}): Target {
  const t: Target = {
    id: '',
    os: 'windows',
    arch: opts.arch ?? 'x86_64',
    libc: null,
    minOs: null,
    policy: null,
    python: { interpreters: opts.interpreters ?? [abi === 'abi3' ? `cp${(opts.minimum ?? '3.8').replace('.', '')}` : abi.replace(/[td]+$/, '')], abi, minimum: abi === 'abi3' ? (opts.minimum ?? '3.8') : null },
    node: null,
    claims: ['win_amd64'],
  };
  return { ...t, id: `${targetId(t)}-${abi}` };
}
const cp311 = win('cp311');
const PYD = 'pkg/_core.cp311-win_amd64.pyd';

test('the Windows DLL data module is exactly what scripts/gen-windows-dlls.ts renders from the shared reference list', (t) => {
  assert.throws(() => parseDllList('kernel32.dll\nnot a dll name\n'), /not a DLL file name/);
  const reference = join(repoRoot, '../shared/reference/windows10-system32-dlls.txt');
  const committed = readFileSync(join(repoRoot, 'src/policy/windows-dlls.data.ts'), 'utf8');
  if (!existsSync(reference)) {
    // A clean checkout (CI) has no ../shared beside it: the data module stands on its own.
    t.diagnostic('no ../shared/reference beside this checkout: checked the committed data module only');
    assert.match(committed, /sha256 14a05b37d3ffd20553262fb38952b4eb6e350c4cc32a1d335a3324f36b5443c9/);
    assert.ok(isWindowsSystemDll('kernel32.dll') && isWindowsSystemDll('ntdll.dll') && !isWindowsSystemDll('msvcp140.dll'));
    return;
  }
  const text = readFileSync(reference, 'utf8');
  assert.equal(renderWindowsDllData(text, 'shared/reference/windows10-system32-dlls.txt'), committed);
  assert.equal(parseDllList(text).length, 3066);
});

test('system DLLs, API sets and the Visual C++ runtime files', () => {
  assert.ok(isWindowsSystemDll('KERNEL32.dll') && isWindowsSystemDll('ucrtbase.dll') && isWindowsSystemDll('winspool.drv'));
  assert.ok(isWindowsSystemDll('api-ms-win-crt-runtime-l1-1-0.dll') && isWindowsSystemDll('ext-ms-win-gdi-desktop-l1-1-0.dll'));
  assert.ok(!isWindowsSystemDll('msvcp140.dll') && !isWindowsSystemDll('vcruntime140.dll') && !isWindowsSystemDll('python311.dll'));
  assert.equal(msvcRuntimeKind('MSVCP140.dll'), 'release');
  assert.equal(msvcRuntimeKind('msvcp140_atomic_wait.dll'), 'release');
  assert.equal(msvcRuntimeKind('vcomp140.dll'), 'release');
  assert.equal(msvcRuntimeKind('vcruntime140d.dll'), 'debug');
  assert.equal(msvcRuntimeKind('msvcp140d.dll'), 'debug');
  assert.equal(msvcRuntimeKind('msvcp140_1d.dll'), 'debug');
  assert.equal(msvcRuntimeKind('ucrtbased.dll'), 'debug');
  assert.equal(msvcRuntimeKind('libfoo.dll'), null);
  assert.ok(cpythonShipsRuntimeDll('vcruntime140.dll', '3.5', 'i386'));
  assert.ok(cpythonShipsRuntimeDll('VCRUNTIME140_1.dll', '3.9', 'x86_64') && cpythonShipsRuntimeDll('vcruntime140_1.dll', '3.12', 'arm64'));
  assert.ok(!cpythonShipsRuntimeDll('vcruntime140_1.dll', '3.8', 'x86_64') && !cpythonShipsRuntimeDll('vcruntime140_1.dll', '3.11', 'i386'));
  assert.ok(!cpythonShipsRuntimeDll('msvcp140.dll', '3.13', 'x86_64'));
});

test('which Python DLLs a tag admits', () => {
  assert.deepEqual(acceptedPythonDlls(cp311), ['python311.dll', 'python3.dll']);
  assert.deepEqual(acceptedPythonDlls(win('cp313t')), ['python313t.dll', 'python3t.dll']);
  assert.deepEqual(acceptedPythonDlls(win('cp311d')), ['python311_d.dll', 'python3_d.dll']);
  assert.deepEqual(acceptedPythonDlls(win('abi3')), ['python3.dll']);
  assert.deepEqual(acceptedPythonDlls(win('none', { interpreters: ['py3'] })), ['python3.dll']);
  assert.equal(acceptedPythonDlls(win('pypy310_pp73', { interpreters: ['pp310'] })), null);
});

test('a cp311 extension importing python311.dll, vcruntime140.dll and an API set passes every Windows check', () => {
  const fx = windowsWheelFixtures();
  assert.deepEqual(runRule(windowsRule, { binaries: { [PYD]: fx['ext-py311.pyd'] }, targets: [cp311] }), []);
});

test('windows.python-dll-mismatch: python310.dll in a cp311 wheel; python3.dll is fine for cp311 and abi3', () => {
  const fx = windowsWheelFixtures();
  const findings = runRule(windowsRule, { binaries: { [PYD]: fx['ext-py310.pyd'] }, targets: [cp311] });
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.check, pythonDllMismatch.id);
  assert.equal(f.severity, 'error');
  assert.equal(f.message, `${PYD} imports python310.dll but its tag cp311 means an interpreter that provides python311.dll or python3.dll`);
  assert.deepEqual(f.evidence, { imported: 'python310.dll', accepted: ['python311.dll', 'python3.dll'], claims: ['cp311'] });
  assert.deepEqual(f.targets, [cp311.id]);
  assert.deepEqual(runRule(windowsRule, { binaries: { 'pkg/_core.pyd': fx['ext-py3.pyd'] }, targets: [cp311, win('abi3')] }), []);
});

test('windows.python-dll-mismatch: python311.dll in a cp38-abi3 wheel, python313t.dll in a cp313 wheel', () => {
  const fx = windowsWheelFixtures();
  const abi3 = win('abi3');
  const a = runRule(windowsRule, { binaries: { 'pkg/_core.pyd': fx['ext-py311.pyd'] }, targets: [abi3] });
  assert.deepEqual(a.map((f) => [f.check, f.evidence.imported, f.evidence.accepted, f.targets]), [[pythonDllMismatch.id, 'python311.dll', ['python3.dll'], [abi3.id]]]);
  assert.match(a[0]!.message, /its tag cp38-abi3 means an interpreter that provides python3\.dll$/);
  assert.match(a[0]!.hint, /Py_LIMITED_API/);
  const cp313 = win('cp313');
  const t = runRule(windowsRule, { binaries: { 'pkg/_core.pyd': fx['ext-py313t.pyd'] }, targets: [cp313] });
  assert.deepEqual(t.map((f) => [f.check, f.evidence.imported]), [[pythonDllMismatch.id, 'python313t.dll']]);
  assert.deepEqual(runRule(windowsRule, { binaries: { 'pkg/_core.pyd': fx['ext-py313t.pyd'] }, targets: [win('cp313t')] }), []);
});

test('windows.msvc-runtime-not-bundled: msvcp140.dll and vcomp140.dll not in the wheel; bundled beside the .pyd they pass', () => {
  const fx = windowsWheelFixtures();
  const findings = runRule(windowsRule, { binaries: { [PYD]: fx['ext-msvcp.pyd'] }, targets: [cp311] });
  assert.deepEqual(findings.map((f) => [f.check, f.severity, f.message, f.targets]), [
    [msvcRuntimeNotBundled.id, 'error', `${PYD} imports msvcp140.dll, which CPython does not ship and the wheel does not bundle`, [cp311.id]],
    [msvcRuntimeNotBundled.id, 'error', `${PYD} imports vcomp140.dll, which CPython does not ship and the wheel does not bundle`, [cp311.id]],
  ]);
  assert.deepEqual(findings[0]!.evidence, { dll: 'msvcp140.dll', delayLoaded: false, pythonVersions: ['3.11'] });
  const bundled = runRule(windowsRule, { binaries: { [PYD]: fx['ext-msvcp.pyd'], 'pkg/msvcp140.dll': fx['helper.dll'], 'pkg/VCOMP140.DLL': fx['helper.dll'] }, targets: [cp311] });
  assert.deepEqual(bundled, []);
});

test('windows.msvc-runtime-not-bundled: vcruntime140_1.dll ships with CPython 3.9+ on x64, not with every 3.8', () => {
  const fx = windowsWheelFixtures();
  assert.deepEqual(runRule(windowsRule, { binaries: { [PYD]: fx['ext-vcrt1.pyd'] }, targets: [cp311] }), []);
  const cp38 = win('cp38');
  const findings = runRule(windowsRule, { binaries: { 'pkg/_core.pyd': fx['ext-vcrt1.pyd'] }, targets: [cp38] });
  // python311.dll is also wrong for cp38: both findings, each naming its own culprit.
  assert.deepEqual(findings.map((f) => [f.check, f.evidence.dll ?? f.evidence.imported]).sort(), [
    [msvcRuntimeNotBundled.id, 'vcruntime140_1.dll'],
    [pythonDllMismatch.id, 'python311.dll'],
  ]);
  assert.deepEqual(findings.find((f) => f.check === msvcRuntimeNotBundled.id)!.evidence.pythonVersions, ['3.8']);
});

test('windows.debug-runtime: vcruntime140d.dll and ucrtbased.dll in a release cp311 wheel', () => {
  const fx = windowsWheelFixtures();
  const findings = runRule(windowsRule, { binaries: { [PYD]: fx['ext-debug.pyd'] }, targets: [cp311] });
  assert.deepEqual(findings.map((f) => [f.check, f.severity, f.message, f.evidence]), [
    [debugRuntime.id, 'error', `${PYD} imports the debug runtime ucrtbased.dll, which only Visual Studio installs`, { dll: 'ucrtbased.dll', delayLoaded: false, bundledAt: [] }],
    [debugRuntime.id, 'error', `${PYD} imports the debug runtime vcruntime140d.dll, which only Visual Studio installs`, { dll: 'vcruntime140d.dll', delayLoaded: false, bundledAt: [] }],
  ]);
  const debugTarget = runRule(windowsRule, { binaries: { [PYD]: fx['ext-debug.pyd'] }, targets: [win('cp311d')] });
  assert.ok(!debugTarget.some((f) => f.check === debugRuntime.id), 'a debug CPython comes with the debug runtimes');
});

test('windows.missing-dll: libfoo.dll neither on Windows nor in the wheel; bundled beside the .pyd it passes', () => {
  const fx = windowsWheelFixtures();
  const findings = runRule(windowsRule, { binaries: { [PYD]: fx['ext-libfoo.pyd'] }, targets: [cp311] });
  assert.deepEqual(findings.map((f) => [f.check, f.severity, f.message, f.evidence, f.targets]), [
    [missingDll.id, 'error', `${PYD} imports libfoo.dll, which is not a Windows system DLL and is not in the wheel`, { dll: 'libfoo.dll', delayLoaded: false }, [cp311.id]],
  ]);
  assert.deepEqual(runRule(windowsRule, { binaries: { [PYD]: fx['ext-libfoo.pyd'], 'pkg/libfoo.dll': fx['helper.dll'] }, targets: [cp311] }), []);
});

test('windows.missing-dll: a delay-loaded DLL is a warning (it fails at first call)', () => {
  const fx = windowsWheelFixtures();
  const findings = runRule(windowsRule, { binaries: { [PYD]: fx['ext-delay.pyd'] }, targets: [cp311] });
  assert.deepEqual(findings.map((f) => [f.check, f.severity, f.evidence]), [[missingDll.id, 'warning', { dll: 'libfoo.dll', delayLoaded: true }]]);
  assert.match(findings[0]!.message, /libfoo\.dll \(delay-loaded: it fails at the first call into it\)/);
});

test('windows.dll-not-beside-extension: libfoo.dll in demo.libs/ without os.add_dll_directory; with it, nothing', () => {
  const fx = windowsWheelFixtures();
  const spec = { binaries: { [PYD]: fx['ext-libfoo.pyd'], 'demo.libs/libfoo.dll': fx['helper.dll'] }, targets: [cp311] };
  const findings = runRule(windowsRule, spec);
  assert.deepEqual(findings.map((f) => [f.check, f.severity, f.evidence]), [[dllNotBesideExtension.id, 'warning', { dll: 'libfoo.dll', delayLoaded: false, foundAt: ['demo.libs/libfoo.dll'] }]]);
  assert.match(findings[0]!.message, /found at demo\.libs\/libfoo\.dll but not beside it/);
  const patched = runRule(windowsRule, {
    ...spec,
    files: { 'pkg/__init__.py': 'import os\nos.add_dll_directory(os.path.join(os.path.dirname(__file__), os.pardir, "demo.libs"))\n' },
  });
  assert.deepEqual(patched, []);
});

test('no Windows target, no Windows findings', () => {
  const fx = windowsWheelFixtures();
  const linux: Target = { id: 'linux-x86_64', os: 'linux', arch: 'x86_64', libc: null, minOs: null, policy: null, python: null, node: null, claims: [] };
  assert.deepEqual(runRule(windowsRule, { binaries: { [PYD]: fx['ext-libfoo.pyd'] }, targets: [linux] }), []);
});
