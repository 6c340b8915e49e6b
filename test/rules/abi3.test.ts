/**
 * The stable-ABI data (generated from CPython's Misc/stable_abi.toml) and the
 * abi3 checks, on ELF, Mach-O and PE extension modules built from
 * native/python/ext.c.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runRule } from '../support/audit-context.ts';
import { repoRoot } from '../support/fixture-builder.ts';
import { pythonExtFixtures } from '../fixtures/python-ext.ts';
import { macosWheelFixtures } from '../fixtures/macos-wheel.ts';
import { windowsWheelFixtures } from '../fixtures/windows-wheel.ts';
import { targetId, type Target } from '../../src/target.ts';
import { isPythonApiSymbol, stableAbiItem, stableAbiItems, STABLE_ABI_SOURCE } from '../../src/policy/stable-abi.ts';
import { parseStableAbiToml, renderStableAbiData, type StableAbiItem } from '../../src/policy/stable-abi.codegen.ts';
import { abi3NonStableSymbol, abi3Rule, abi3SymbolTooNew } from '../../src/rules/python/abi3.ts';

function target(p: Partial<Target> & Pick<Target, 'os' | 'arch'>): Target {
  const t: Target = { id: '', libc: null, minOs: null, policy: null, python: null, node: null, claims: [], ...p };
  return { ...t, id: p.id ?? targetId(t) };
}

const abi3 = (minimum: string, os: Target['os'] = 'linux', arch: Target['arch'] = 'x86_64') =>
  target({
    os,
    arch,
    libc: os === 'linux' ? { kind: 'glibc', minVersion: '2.17' } : null,
    id: `${os}-${arch}-cp${minimum.replace('.', '')}-abi3`,
    python: { interpreters: [`cp${minimum.replace('.', '')}`], abi: 'abi3', minimum },
  });
const cp311 = target({ os: 'linux', arch: 'x86_64', libc: { kind: 'glibc', minVersion: '2.17' }, python: { interpreters: ['cp311'], abi: 'cp311', minimum: null } });

/** A stable_abi.toml with the items given, in the shapes CPython's file uses (kinds we skip, comments, flag order). */
function syntheticToml(items: StableAbiItem[]): string {
  const lines = [
    '# This file lists the contents of the Limited API and Stable ABI.',
    '[feature_macro.MS_WINDOWS]',
    "    doc = 'on Windows'",
    '    windows = true',
    '[struct.PyObject]',
    "    added = '3.2'",
    "    members = ['ob_refcnt', 'ob_type']",
    "    struct_abi_kind = 'members'",
    '[const.Py_tp_dealloc]',
    "    added = '3.2'",
    '',
  ];
  items.forEach((it, i) => {
    lines.push(`[${it.kind}.${it.name}]`);
    if (i % 3 === 0) lines.push('    # a comment inside an item');
    lines.push(`    added = '${it.added}'${i % 5 === 0 ? '  # (and 3.6.1 and 3.5.3)' : ''}`);
    if (it.ifdef) lines.push(`    ifdef = '${it.ifdef}'`);
    if (it.abiOnly) lines.push('    abi_only = true');
    if (i % 7 === 0) lines.push('', '[typedef.t' + i + ']', "    added = '3.2'");
  });
  return lines.join('\n') + '\n';
}

test('the stable-ABI data module is exactly what scripts/gen-stable-abi.ts renders from a TOML with its facts', () => {
  const items = stableAbiItems();
  assert.equal(items.length, 939);
  const reparsed = parseStableAbiToml(syntheticToml(items));
  assert.deepEqual(reparsed, items);
  const committed = readFileSync(join(repoRoot, 'src/policy/stable-abi.data.ts'), 'utf8');
  assert.equal(renderStableAbiData(reparsed, STABLE_ABI_SOURCE), committed);
  assert.equal(STABLE_ABI_SOURCE.commit, 'f74e4cad2c0413aadb6724a382f19a9e876bb408');
});

test('the stable-ABI data holds the facts of Misc/stable_abi.toml', () => {
  assert.deepEqual(stableAbiItem('PyType_GetModule'), { kind: 'function', name: 'PyType_GetModule', added: '3.10', abiOnly: false, ifdef: null });
  assert.deepEqual(stableAbiItem('_Py_RefTotal'), { kind: 'data', name: '_Py_RefTotal', added: '3.10', abiOnly: true, ifdef: 'Py_REF_DEBUG' });
  assert.equal(stableAbiItem('PyOS_AfterFork')?.ifdef, 'HAVE_FORK');
  assert.equal(stableAbiItem('PyExc_WindowsError')?.ifdef, 'MS_WINDOWS');
  assert.equal(stableAbiItem('PyCFunction_Call')?.abiOnly, true);
  assert.equal(stableAbiItem('Py_TYPE')?.added, '3.14');
  assert.equal(stableAbiItem('PyErr_DisplayException')?.added, '3.12');
  assert.equal(stableAbiItem('PyExc_BaseExceptionGroup')?.added, '3.11');
  assert.equal(stableAbiItem('Py_SET_SIZE')?.added, '3.15');
  assert.equal(stableAbiItem('PyUnicode_AsUTF8'), undefined);
  assert.equal(stableAbiItem('Py_tp_dealloc'), undefined, 'consts are not symbols');
  const byVersion = new Map<string, number>();
  for (const i of stableAbiItems()) byVersion.set(i.added, (byVersion.get(i.added) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(byVersion), {
    '3.2': 687, '3.3': 9, '3.4': 2, '3.5': 3, '3.6': 5, '3.7': 82, '3.8': 10, '3.9': 8, '3.10': 34, '3.11': 19, '3.12': 12, '3.13': 35, '3.14': 19, '3.15': 14,
  });
  assert.ok(isPythonApiSymbol('_Py_Dealloc') && isPythonApiSymbol('PyList_New'));
  assert.ok(!isPythonApiSymbol('PyInit_core') && !isPythonApiSymbol('malloc'));
});

test('the TOML reader names the line it cannot read', () => {
  assert.throws(() => parseStableAbiToml('[function.PyFoo]\n    added = 3.2\n'), /line 2: unsupported value/);
  assert.throws(() => parseStableAbiToml('[function.PyFoo]\n    ifdef = \'X\'\n'), /line 1: function.PyFoo has no valid 'added'/);
  assert.throws(() => parseStableAbiToml('added = \'3.2\'\n'), /line 1: cannot read/);
});

test('abi3: an ELF extension using only 3.2 stable-ABI symbols passes a cp37-abi3 target', () => {
  const fx = pythonExtFixtures();
  assert.deepEqual(runRule(abi3Rule, { binaries: { 'pkg/abi3ok.abi3.so': fx['abi3ok.so'] }, targets: [abi3('3.7')] }), []);
});

test('abi3.symbol-too-new: PyType_GetModule (3.10) in a cp37-abi3 ELF wheel, not in a cp310-abi3 one', () => {
  const fx = pythonExtFixtures();
  const t37 = abi3('3.7');
  const findings = runRule(abi3Rule, { binaries: { 'pkg/abi3new.abi3.so': fx['abi3new.so'] }, targets: [t37] });
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.check, abi3SymbolTooNew.id);
  assert.equal(f.severity, 'error');
  assert.equal(f.file, 'pkg/abi3new.abi3.so');
  assert.deepEqual(f.targets, [t37.id]);
  assert.equal(f.message, 'pkg/abi3new.abi3.so imports PyType_GetModule (3.10), PyType_GetModuleState (3.10) but cp37-abi3 promises CPython ≥ 3.7: it needs ≥ 3.10');
  assert.deepEqual(f.evidence, {
    minimum: '3.7',
    required: '3.10',
    symbols: [{ name: 'PyType_GetModule', added: '3.10' }, { name: 'PyType_GetModuleState', added: '3.10' }],
    assumedMinimum: false,
  });
  assert.match(f.hint, /cp310-abi3 .*Py_LIMITED_API=0x030A0000/);
  assert.deepEqual(runRule(abi3Rule, { binaries: { 'pkg/abi3new.abi3.so': fx['abi3new.so'] }, targets: [abi3('3.10')] }), []);
});

test('abi3.non-stable-symbol: PyUnicode_AsUTF8 and _PyObject_GetDictPtr in an ELF abi3 wheel; ignored for a cp311 wheel', () => {
  const fx = pythonExtFixtures();
  const t = abi3('3.8');
  const findings = runRule(abi3Rule, { binaries: { 'pkg/abi3bad.abi3.so': fx['abi3bad.so'] }, targets: [t] });
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.check, abi3NonStableSymbol.id);
  assert.equal(findings[0]!.message, 'pkg/abi3bad.abi3.so is tagged abi3 but imports 2 symbols outside the stable ABI: PyUnicode_AsUTF8, _PyObject_GetDictPtr');
  assert.deepEqual(findings[0]!.evidence, { symbols: ['PyUnicode_AsUTF8', '_PyObject_GetDictPtr'], slices: { PyUnicode_AsUTF8: ['x86_64'], _PyObject_GetDictPtr: ['x86_64'] } });
  assert.deepEqual(findings[0]!.targets, [t.id]);
  assert.deepEqual(runRule(abi3Rule, { binaries: { 'pkg/abi3bad.cpython-311-x86_64-linux-gnu.so': fx['abi3bad.so'] }, targets: [cp311] }), []);
});

test('abi3 on Mach-O: undefined _PyType_GetModule is read without its underscore; a clean twin passes', () => {
  const fx = macosWheelFixtures();
  const t = abi3('3.7', 'macos', 'arm64');
  const tooNew = runRule(abi3Rule, { binaries: { 'pkg/ext.abi3.so': fx['ext-new.so'] }, targets: [t] });
  assert.deepEqual(tooNew.map((f) => [f.check, f.evidence.required, f.targets]), [[abi3SymbolTooNew.id, '3.10', [t.id]]]);
  const bad = runRule(abi3Rule, { binaries: { 'pkg/ext.abi3.so': fx['ext-bad.so'] }, targets: [t] });
  assert.deepEqual(bad.map((f) => [f.check, f.evidence.symbols]), [[abi3NonStableSymbol.id, ['PyUnicode_AsUTF8', '_PyObject_GetDictPtr']]]);
  assert.deepEqual(bad[0]!.evidence.slices, { PyUnicode_AsUTF8: ['arm64'], _PyObject_GetDictPtr: ['arm64'] });
  assert.deepEqual(runRule(abi3Rule, { binaries: { 'pkg/ext.abi3.so': fx['ext.so'] }, targets: [t] }), []);
});

test('abi3 on PE: names imported from python3.dll and python311.dll', () => {
  const fx = windowsWheelFixtures();
  const t = abi3('3.8', 'windows', 'x86_64');
  const tooNew = runRule(abi3Rule, { binaries: { 'pkg/ext.pyd': fx['ext-py3-new.pyd'] }, targets: [t] });
  assert.deepEqual(tooNew.map((f) => [f.check, f.message]), [
    [abi3SymbolTooNew.id, 'pkg/ext.pyd imports PyType_GetModule (3.10), PyType_GetModuleState (3.10) but cp38-abi3 promises CPython ≥ 3.8: it needs ≥ 3.10'],
  ]);
  const bad = runRule(abi3Rule, { binaries: { 'pkg/ext.pyd': fx['ext-py311-bad.pyd'] }, targets: [t] });
  assert.deepEqual(bad.map((f) => [f.check, f.evidence.symbols]), [[abi3NonStableSymbol.id, ['PyUnicode_AsUTF8', '_PyObject_GetDictPtr']]]);
  assert.deepEqual(runRule(abi3Rule, { binaries: { 'pkg/ext.pyd': fx['ext-py3.pyd'] }, targets: [t] }), []);
});

test('abi3: binaries are matched with the abi3 targets of their own OS', () => {
  const fx = pythonExtFixtures();
  const linux = abi3('3.7');
  const win = abi3('3.7', 'windows', 'x86_64');
  const findings = runRule(abi3Rule, { binaries: { 'pkg/abi3new.abi3.so': fx['abi3new.so'] }, targets: [linux, win] });
  assert.deepEqual(findings.map((f) => f.targets), [[linux.id]]);
});
