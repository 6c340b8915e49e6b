/**
 * The .dist-info checks on built wheels: missing or multiple directories,
 * METADATA missing / unreadable / disagreeing with the filename, WHEEL missing
 * or invalid, Tag lines vs the filename; a correct wheel as the clean twin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWheel } from '../support/wheel-builder.ts';
import { buildZip } from '../support/zip-writer.ts';
import {
  DIST_INFO_MISSING,
  DIST_INFO_MULTIPLE,
  METADATA_MISMATCH,
  METADATA_MISSING,
  TAGS_MISMATCH,
  WHEEL_FILE_INVALID,
  WHEEL_FILE_MISSING,
  wheelDistInfoRule,
} from '../../src/rules/wheel/dist-info.ts';
import { editWheel, runWheelRule } from './wheel-context.ts';

const files = { 'demo/__init__.py': '', 'demo/core.py': 'x = 1\n' };
const TAG = 'cp311-cp311-manylinux_2_17_x86_64';

test('clean twin: a correct wheel gives no finding', async () => {
  assert.deepEqual(await runWheelRule(wheelDistInfoRule, buildWheel({ tag: TAG, files })), []);
  assert.deepEqual(await runWheelRule(wheelDistInfoRule, buildWheel({ tag: 'cp38.cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64', files })), []);
  // Names compare normalized, versions as PEP 440: Demo.Pkg / 1.0.0 match demo_pkg / 1.0.
  const w = buildWheel({ name: 'demo_pkg', tag: 'py3-none-any', files, metadata: { name: 'Demo.Pkg', version: '1.0.0' } });
  assert.deepEqual(await runWheelRule(wheelDistInfoRule, w), []);
});

test('a zip without .dist-info: only wheel.dist-info-missing', async () => {
  const bytes = buildZip({ entries: [{ name: 'demo/__init__.py', data: '' }] });
  const findings = await runWheelRule(wheelDistInfoRule, { filename: 'demo-1.0-py3-none-any.whl', bytes });
  assert.deepEqual(findings.map((f) => f.check), [DIST_INFO_MISSING.id]);
  assert.equal(findings[0]!.message, 'demo-1.0-py3-none-any.whl has no top-level .dist-info directory (expected demo-1.0.dist-info/)');
  assert.deepEqual(findings[0]!.evidence, { expected: 'demo-1.0.dist-info' });
});

test('two .dist-info directories: wheel.dist-info-multiple names both and the one read', async () => {
  const w = buildWheel({ tag: TAG, files: { ...files, 'six-1.16.0.dist-info/METADATA': 'Name: six\nVersion: 1.16.0\n' } });
  const findings = await runWheelRule(wheelDistInfoRule, w);
  assert.deepEqual(findings.map((f) => f.check), [DIST_INFO_MULTIPLE.id]);
  assert.equal(findings[0]!.message, '2 .dist-info directories: demo-1.0.dist-info, six-1.16.0.dist-info');
  assert.deepEqual(findings[0]!.evidence, { dirs: ['demo-1.0.dist-info', 'six-1.16.0.dist-info'], used: 'demo-1.0.dist-info' });
});

test('METADATA missing, then METADATA not UTF-8', async () => {
  const w = buildWheel({ tag: TAG, files });
  const gone = await editWheel(w, (fs) => fs.filter((f) => !f.path.endsWith('/METADATA')));
  const [a, ...ra] = await runWheelRule(wheelDistInfoRule, gone);
  assert.equal(ra.length, 0);
  assert.deepEqual([a?.check, a?.message, a?.file, a?.evidence], [METADATA_MISSING.id, 'demo-1.0.dist-info/METADATA is missing', 'demo-1.0.dist-info/METADATA', { present: false }]);
  const latin1 = await editWheel(w, (fs) => fs.map((f) => (f.path.endsWith('/METADATA') ? { ...f, bytes: Buffer.from([0x4e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]) } : f)));
  const [b] = await runWheelRule(wheelDistInfoRule, latin1);
  assert.deepEqual([b?.check, b?.message], [METADATA_MISSING.id, 'demo-1.0.dist-info/METADATA could not be read from the archive (see the archive finding about it)']);
});

test('METADATA version and name disagreeing with the filename', async () => {
  const w = buildWheel({ tag: TAG, files, metadata: { version: '1.1' } });
  const [f, ...rest] = await runWheelRule(wheelDistInfoRule, w);
  assert.equal(rest.length, 0);
  assert.equal(f?.check, METADATA_MISMATCH.id);
  assert.equal(f?.message, 'demo-1.0.dist-info/METADATA says version 1.1, the filename says 1.0');
  assert.equal(f?.file, 'demo-1.0.dist-info/METADATA');
  assert.deepEqual(f?.evidence, { field: 'version', where: 'METADATA', filename: '1.0', found: '1.1' });

  const n = buildWheel({ tag: TAG, files, metadata: { name: 'other' } });
  const [g] = await runWheelRule(wheelDistInfoRule, n);
  assert.deepEqual([g?.check, g?.message], [METADATA_MISMATCH.id, 'demo-1.0.dist-info/METADATA says name other, the filename says demo']);
});

test('a renamed wheel: the .dist-info directory and METADATA both disagree', async () => {
  const w = buildWheel({ tag: TAG, files });
  const renamed = { filename: `demo-2.0-${TAG}.whl`, bytes: w.bytes };
  const findings = await runWheelRule(wheelDistInfoRule, renamed);
  assert.deepEqual(
    findings.map((f) => [f.check, f.message]),
    [
      [METADATA_MISMATCH.id, 'demo-1.0.dist-info says version 1.0, the filename says 2.0'],
      [METADATA_MISMATCH.id, 'demo-1.0.dist-info/METADATA says version 1.0, the filename says 2.0'],
    ],
  );
  assert.match(findings[0]!.hint, /Name the directory demo-2\.0\.dist-info/);
});

test('METADATA without a Version field', async () => {
  const w = await editWheel(buildWheel({ tag: TAG, files }), (fs) => fs.map((f) => (f.path.endsWith('/METADATA') ? { ...f, bytes: Buffer.from('Metadata-Version: 2.1\nName: demo\n') } : f)));
  const [f] = await runWheelRule(wheelDistInfoRule, w);
  assert.deepEqual([f?.check, f?.message, f?.evidence.found], [METADATA_MISMATCH.id, 'demo-1.0.dist-info/METADATA has no Version field (the filename says 1.0)', null]);
});

test('WHEEL missing', async () => {
  const w = await editWheel(buildWheel({ tag: TAG, files }), (fs) => fs.filter((f) => !f.path.endsWith('/WHEEL')));
  const findings = await runWheelRule(wheelDistInfoRule, w);
  assert.deepEqual(findings.map((f) => [f.check, f.message, f.file]), [[WHEEL_FILE_MISSING.id, 'demo-1.0.dist-info/WHEEL is missing', 'demo-1.0.dist-info/WHEEL']]);
});

test('WHEEL invalid: Wheel-Version 2.0, Root-Is-Purelib neither true nor false, a line that is no header', async () => {
  const text = `Wheel-Version: 2.0\nRoot-Is-Purelib: maybe\nnot a header\nTag: ${TAG}\n`;
  const w = await editWheel(buildWheel({ tag: TAG, files }), (fs) => fs.map((f) => (f.path.endsWith('/WHEEL') ? { ...f, bytes: Buffer.from(text) } : f)));
  const findings = await runWheelRule(wheelDistInfoRule, w);
  assert.deepEqual(
    findings.map((f) => [f.check, f.message, f.evidence]),
    [
      [WHEEL_FILE_INVALID.id, 'demo-1.0.dist-info/WHEEL: Wheel-Version 2.0 is not 1.x; installers refuse it', { field: 'Wheel-Version', value: '2.0' }],
      [WHEEL_FILE_INVALID.id, 'demo-1.0.dist-info/WHEEL: Root-Is-Purelib "maybe" is neither true nor false', { field: 'Root-Is-Purelib', value: 'maybe' }],
      [WHEEL_FILE_INVALID.id, `demo-1.0.dist-info/WHEEL line 3: not a 'Key: value' header: "not a header"`, { line: 3, problem: `not a 'Key: value' header: "not a header"` }],
    ],
  );
  assert.ok(findings.every((f) => f.file === 'demo-1.0.dist-info/WHEEL'));
});

test('WHEEL without Wheel-Version or Root-Is-Purelib', async () => {
  const w = await editWheel(buildWheel({ tag: TAG, files }), (fs) => fs.map((f) => (f.path.endsWith('/WHEEL') ? { ...f, bytes: Buffer.from(`Generator: hand\nTag: ${TAG}\n`) } : f)));
  const findings = await runWheelRule(wheelDistInfoRule, w);
  assert.deepEqual(findings.map((f) => f.message), ['demo-1.0.dist-info/WHEEL has no Wheel-Version', 'demo-1.0.dist-info/WHEEL has no Root-Is-Purelib']);
});

test('WHEEL Tag lines that differ from the filename (a wheel renamed from cp311 to cp312)', async () => {
  const w = buildWheel({ tag: 'cp312-cp312-manylinux_2_17_x86_64', files, wheelTags: [TAG] });
  const [f, ...rest] = await runWheelRule(wheelDistInfoRule, w);
  assert.equal(rest.length, 0);
  assert.equal(f?.check, TAGS_MISMATCH.id);
  assert.equal(f?.severity, 'warning');
  assert.equal(
    f?.message,
    'demo-1.0.dist-info/WHEEL Tag lines disagree with demo-1.0-cp312-cp312-manylinux_2_17_x86_64.whl: filename tags not in WHEEL: cp312-cp312-manylinux_2_17_x86_64; WHEEL tags not in the filename: cp311-cp311-manylinux_2_17_x86_64',
  );
  assert.deepEqual(f?.evidence, {
    filenameTags: ['cp312-cp312-manylinux_2_17_x86_64'],
    wheelTags: [TAG],
    missingFromWheel: ['cp312-cp312-manylinux_2_17_x86_64'],
    notInFilename: [TAG],
  });
});

test('wheelDistInfoRule declares its checks under their stable ids, each tested above', () => {
  assert.deepEqual(wheelDistInfoRule.checks.map((c) => c.id), ['wheel.dist-info-missing', 'wheel.dist-info-multiple', 'wheel.metadata-missing', 'wheel.metadata-mismatch', 'wheel.wheel-file-missing', 'wheel.wheel-file-invalid', 'wheel.tags-mismatch']);
});
