/**
 * readWheelModel over real zips built by test/support/wheel-builder.ts: the
 * parsed filename, the .dist-info directory chosen, METADATA, WHEEL and RECORD
 * as read, and which entries the pipeline keeps as text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWheel, type WheelSpec } from '../support/wheel-builder.ts';
import { readWheelModel, splitDistInfoName, wheelKeepText } from '../../src/artifact/wheel/model.ts';
import { readZip, scanOf } from '../rules/wheel-context.ts';

async function modelOf(spec: WheelSpec, filename?: string) {
  const w = buildWheel(spec);
  const files = await readZip(w.bytes);
  const texts = new Map(files.filter((f) => wheelKeepText(f.path)).map((f) => [f.path, f.bytes.toString('utf8')]));
  return readWheelModel(filename ?? w.filename, scanOf(files), (p) => texts.get(p) ?? null);
}

test('a correct wheel: filename, dist-info, METADATA, WHEEL, RECORD', async () => {
  const m = await modelOf({ tag: 'cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64', files: { 'demo/__init__.py': '', 'demo/_core.so': 'x' } });
  assert.equal(m.filename, 'demo-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl');
  assert.equal(m.filenameError, null);
  assert.deepEqual(m.parsed?.platformTags, ['manylinux_2_17_x86_64', 'manylinux2014_x86_64']);
  assert.deepEqual(m.distInfoDirs, ['demo-1.0.dist-info']);
  assert.equal(m.distInfo, 'demo-1.0.dist-info');
  assert.deepEqual(m.dataDirs, []);
  assert.deepEqual(
    { ...m.metadata },
    { path: 'demo-1.0.dist-info/METADATA', readable: true, metadataVersion: '2.1', name: 'demo', version: '1.0', problems: [] },
  );
  assert.equal(m.wheel?.wheelVersion, '1.0');
  assert.equal(m.wheel?.rootIsPurelib, false);
  assert.equal(m.wheel?.rootIsPurelibRaw, 'false');
  assert.deepEqual(m.wheel?.tags, ['cp311-cp311-manylinux_2_17_x86_64', 'cp311-cp311-manylinux2014_x86_64']);
  assert.deepEqual(m.record?.rows.map((r) => r.path), ['demo/__init__.py', 'demo/_core.so', 'demo-1.0.dist-info/METADATA', 'demo-1.0.dist-info/WHEEL', 'demo-1.0.dist-info/RECORD']);
  assert.deepEqual(m.record?.problems, []);
  assert.deepEqual(m.record?.signatures, []);
});

test('a path is reduced to its file name; an invalid name keeps the reason and no parse', async () => {
  const m = await modelOf({ tag: 'py3-none-any', files: { 'demo.py': '' } }, '/uploads/demo-1.0-any.whl');
  assert.equal(m.filename, 'demo-1.0-any.whl');
  assert.equal(m.parsed, null);
  assert.equal(m.filenameError?.part, 'parts');
  assert.equal(m.distInfo, 'demo-1.0.dist-info', 'the only .dist-info is read even when the filename is bad');
});

test('with two .dist-info directories, the one matching the filename is read', async () => {
  const m = await modelOf({
    tag: 'py3-none-any',
    files: { 'demo.py': '', 'aaa_vendored-2.0.dist-info/METADATA': 'Name: aaa-vendored\nVersion: 2.0\n' },
  });
  assert.deepEqual(m.distInfoDirs, ['aaa_vendored-2.0.dist-info', 'demo-1.0.dist-info']);
  assert.equal(m.distInfo, 'demo-1.0.dist-info');
  assert.equal(m.metadata?.name, 'demo');
});

test('missing files are null; data dirs and RECORD signatures are listed', async () => {
  const m = await modelOf({
    tag: 'py3-none-any',
    files: { 'demo-1.0.data/scripts/tool': '#!python\n', 'demo-1.0.dist-info/RECORD.jws': '{}' },
    record: { omit: true },
  });
  assert.deepEqual(m.dataDirs, ['demo-1.0.data']);
  assert.equal(m.record, null);
  const n = await modelOf({ tag: 'py3-none-any', files: { 'demo-1.0.dist-info/RECORD.jws': '{}' } });
  assert.deepEqual(n.record?.signatures, ['demo-1.0.dist-info/RECORD.jws']);
});

test('an unreadable kept file is present but not readable', () => {
  const scan = { format: 'zip' as const, size: 0, sha256: '', problems: [], entries: ['demo-1.0.dist-info/WHEEL', 'demo-1.0.dist-info/METADATA', 'demo-1.0.dist-info/RECORD'].map((path) => ({ path, isDirectory: false, size: 1, compressedSize: 1, mode: null, sha256: 'x', content: null })) };
  const m = readWheelModel('demo-1.0-py3-none-any.whl', scan, () => null);
  assert.deepEqual([m.metadata?.readable, m.wheel?.readable, m.record?.readable], [false, false, false]);
  assert.deepEqual([m.wheel?.rootIsPurelib, m.wheel?.tags], [null, []]);
});

test('Root-Is-Purelib is read case-insensitively; other values are kept raw', async () => {
  const spec = { tag: 'py3-none-any', files: { 'demo.py': '' } };
  assert.equal((await modelOf({ ...spec, purelib: true })).wheel?.rootIsPurelib, true);
  const w = buildWheel(spec);
  const files = (await readZip(w.bytes)).map((f) => (f.path.endsWith('/WHEEL') ? { ...f, bytes: Buffer.from('Wheel-Version: 1.0\nRoot-Is-Purelib: TRUE\n') } : f));
  const texts = new Map(files.map((f) => [f.path, f.bytes.toString()]));
  assert.equal(readWheelModel(w.filename, scanOf(files), (p) => texts.get(p) ?? null).wheel?.rootIsPurelib, true);
  const bad = files.map((f) => (f.path.endsWith('/WHEEL') ? { ...f, bytes: Buffer.from('Wheel-Version: 1.0\nRoot-Is-Purelib: yes\n') } : f));
  const badTexts = new Map(bad.map((f) => [f.path, f.bytes.toString()]));
  const m = readWheelModel(w.filename, scanOf(bad), (p) => badTexts.get(p) ?? null);
  assert.deepEqual([m.wheel?.rootIsPurelib, m.wheel?.rootIsPurelibRaw], [null, 'yes']);
});

test('the pipeline keeps METADATA, WHEEL and RECORD of top-level .dist-info directories only', () => {
  for (const p of ['demo-1.0.dist-info/METADATA', 'demo-1.0.dist-info/WHEEL', 'demo-1.0.dist-info/RECORD']) assert.ok(wheelKeepText(p), p);
  for (const p of ['demo-1.0.dist-info/LICENSE', 'demo/METADATA', 'pkg/_vendor/x-1.0.dist-info/RECORD', 'demo-1.0.dist-info/RECORD.jws', 'demo.py']) assert.ok(!wheelKeepText(p), p);
});

test('dist-info directory names split into name and version', () => {
  assert.deepEqual(splitDistInfoName('typing_extensions-4.12.2.dist-info'), { name: 'typing_extensions', version: '4.12.2' });
  assert.equal(splitDistInfoName('nodash.dist-info'), null);
});
