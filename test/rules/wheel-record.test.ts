/**
 * The RECORD checks on built wheels, each defect made the way a careless
 * build or post-build step makes it, beside a correct wheel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { buildWheel } from '../support/wheel-builder.ts';
import {
  RECORD_HASH_MISMATCH,
  RECORD_MALFORMED,
  RECORD_MISSING,
  RECORD_NO_HASH,
  RECORD_PHANTOM_FILE,
  RECORD_SIZE_MISMATCH,
  RECORD_UNLISTED_FILE,
  RECORD_WEAK_HASH,
  wheelRecordRule,
} from '../../src/rules/wheel/record.ts';
import { MAX_FINDINGS_PER_CHECK } from '../../src/rules/wheel/common.ts';
import { wheelFixtures } from '../fixtures/wheel.ts';
import { editWheel, runWheelRule } from './wheel-context.ts';

const fx = wheelFixtures();
const EXT = readFileSync(fx['ext-x86_64-glibc.so']);
const SO = 'demo/_ext.cpython-311-x86_64-linux-gnu.so';
const TAG = 'cp311-cp311-manylinux_2_17_x86_64';
const A = 'x = 1\n';
const files = { 'demo/__init__.py': '', 'demo/a.py': A, [SO]: EXT };
const b64 = (algo: string, s: string | Buffer) => createHash(algo).update(s).digest('base64url');
const hex = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

test('clean twin: a wheel whose RECORD lists every file with its sha256 and size', async () => {
  assert.deepEqual(await runWheelRule(wheelRecordRule, buildWheel({ tag: TAG, files })), []);
});

test('record.missing when RECORD is absent', async () => {
  const findings = await runWheelRule(wheelRecordRule, buildWheel({ tag: TAG, files, record: { omit: true } }));
  assert.deepEqual(findings.map((f) => [f.check, f.message, f.file, f.evidence]), [[RECORD_MISSING.id, 'demo-1.0.dist-info/RECORD is missing', 'demo-1.0.dist-info/RECORD', { present: false }]]);
});

test('record.malformed: a row with two fields, a bad digest, a duplicate (warning)', async () => {
  const w = buildWheel({ tag: TAG, files, record: { extraLines: ['demo/x.py,sha256=AAAA', 'demo/y.py,sha256=!!!,3', `demo/a.py,sha256=${b64('sha256', A)},${A.length}`] } });
  const findings = await runWheelRule(wheelRecordRule, w);
  const malformed = findings.filter((f) => f.check === RECORD_MALFORMED.id);
  assert.deepEqual(
    malformed.map((f) => [f.severity, f.message]),
    [
      ['error', 'demo-1.0.dist-info/RECORD line 7: 2 fields instead of 3 (path, hash, size)'],
      ['error', "demo-1.0.dist-info/RECORD line 8: digest '!!!' is not 32 bytes of urlsafe base64 (sha256)"],
      ['warning', 'demo-1.0.dist-info/RECORD line 9: demo/a.py is listed again (first on line 2)'],
    ],
  );
  assert.deepEqual(malformed[2]!.evidence, { line: 9, kind: 'duplicate', path: 'demo/a.py' });
  // demo/y.py is also listed but absent: a phantom.
  assert.deepEqual(findings.filter((f) => f.check === RECORD_PHANTOM_FILE.id).map((f) => f.file), ['demo/y.py']);
});

test('record.malformed when RECORD is not UTF-8', async () => {
  const w = await editWheel(buildWheel({ tag: TAG, files }), (fs) => fs.map((f) => (f.path.endsWith('/RECORD') ? { ...f, bytes: Buffer.from([0xff, 0xfe, 0x2c]) } : f)));
  const findings = await runWheelRule(wheelRecordRule, w);
  assert.deepEqual(findings.map((f) => [f.check, f.message]), [[RECORD_MALFORMED.id, 'demo-1.0.dist-info/RECORD could not be read from the archive (see the archive finding about it)']]);
});

test('record.hash-mismatch: the extension was patched after RECORD was written', async () => {
  const patched = Buffer.from(EXT);
  patched[patched.length - 1] = patched[patched.length - 1]! ^ 0xff;
  const w = await editWheel(buildWheel({ tag: TAG, files }), (fs) => fs.map((f) => (f.path === SO ? { ...f, bytes: patched } : f)));
  const findings = await runWheelRule(wheelRecordRule, w);
  assert.deepEqual(findings.map((f) => f.check), [RECORD_HASH_MISMATCH.id]);
  const f = findings[0]!;
  assert.equal(f.file, SO);
  assert.equal(f.message, `${SO}: sha256 ${hex(patched)} in the archive, ${hex(EXT)} in RECORD`);
  assert.deepEqual(f.evidence, { path: SO, algorithm: 'sha256', recorded: hex(EXT), actual: hex(patched), recordedSize: EXT.length, actualSize: EXT.length });
});

test('record.hash-mismatch also says when the size differs; no separate size finding', async () => {
  const w = buildWheel({ tag: TAG, files, record: { exclude: ['demo/a.py'], extraLines: [`demo/a.py,sha256=${b64('sha256', 'x = 2222\n')},9`] } });
  const findings = await runWheelRule(wheelRecordRule, w);
  assert.deepEqual(findings.map((f) => f.check), [RECORD_HASH_MISMATCH.id]);
  assert.match(findings[0]!.message, /\(size 6, RECORD says 9\)$/);
});

test('record.size-mismatch when the hash matches but the size does not', async () => {
  const w = buildWheel({ tag: TAG, files, record: { exclude: ['demo/a.py'], extraLines: [`demo/a.py,sha256=${b64('sha256', A)},999`] } });
  const findings = await runWheelRule(wheelRecordRule, w);
  assert.deepEqual(findings.map((f) => [f.check, f.message, f.evidence]), [[RECORD_SIZE_MISMATCH.id, 'demo/a.py: 6 bytes in the archive, 999 in RECORD', { path: 'demo/a.py', recordedSize: 999, actualSize: 6 }]]);
});

test('record.unlisted-file: an extension module left out of RECORD is named as a native binary, first', async () => {
  const w = buildWheel({ tag: TAG, files, record: { exclude: [SO, 'demo/a.py'] } });
  const findings = await runWheelRule(wheelRecordRule, w);
  assert.deepEqual(
    findings.map((f) => [f.check, f.file, f.message, f.evidence]),
    [
      [RECORD_UNLISTED_FILE.id, SO, `${SO} is not in RECORD (a native binary: tools that walk RECORD, like auditwheel, never inspect it)`, { path: SO, nativeBinary: true }],
      [RECORD_UNLISTED_FILE.id, 'demo/a.py', 'demo/a.py is not in RECORD', { path: 'demo/a.py', nativeBinary: false }],
    ],
  );
});

test('RECORD.jws and RECORD.p7s need not be listed', async () => {
  const w = buildWheel({ tag: TAG, files, extraEntries: [{ name: 'demo-1.0.dist-info/RECORD.jws', data: '{}' }, { name: 'demo-1.0.dist-info/RECORD.p7s', data: 'x' }] });
  assert.deepEqual(await runWheelRule(wheelRecordRule, w), []);
});

test('record.phantom-file: RECORD lists a library the wheel no longer has (warning)', async () => {
  const w = buildWheel({ tag: TAG, files, record: { extraLines: ['demo.libs/libgone-1a2b3c4d.so.1,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0'] } });
  const findings = await runWheelRule(wheelRecordRule, w);
  assert.deepEqual(findings.map((f) => [f.check, f.severity, f.message, f.evidence]), [
    [RECORD_PHANTOM_FILE.id, 'warning', 'RECORD lists demo.libs/libgone-1a2b3c4d.so.1, which is not in the wheel', { path: 'demo.libs/libgone-1a2b3c4d.so.1' }],
  ]);
});

test('record.weak-hash for md5 and sha1 rows', async () => {
  const w = buildWheel({ tag: TAG, files, record: { hashes: { 'demo/a.py': `md5=${b64('md5', A)}`, [SO]: `sha1=${b64('sha1', EXT)}` } } });
  const findings = await runWheelRule(wheelRecordRule, w);
  assert.deepEqual(findings.map((f) => [f.check, f.message, f.evidence]), [
    [RECORD_WEAK_HASH.id, 'demo/a.py is hashed with md5 in RECORD', { path: 'demo/a.py', algorithm: 'md5' }],
    [RECORD_WEAK_HASH.id, `${SO} is hashed with sha1 in RECORD`, { path: SO, algorithm: 'sha1' }],
  ]);
});

test('record.no-hash for a file listed without a hash', async () => {
  const w = buildWheel({ tag: TAG, files, record: { hashes: { [SO]: '' } } });
  const findings = await runWheelRule(wheelRecordRule, w);
  assert.deepEqual(findings.map((f) => [f.check, f.file, f.message]), [[RECORD_NO_HASH.id, SO, `${SO} is listed in RECORD without a hash`]]);
});

test('many unlisted files: one finding each up to the cap, then one summary', async () => {
  const many: Record<string, string> = {};
  for (let i = 0; i < 30; i++) many[`demo/m${String(i).padStart(2, '0')}.py`] = `v = ${i}\n`;
  const w = buildWheel({ tag: TAG, files: many, record: { exclude: Object.keys(many) } });
  const findings = await runWheelRule(wheelRecordRule, w);
  assert.equal(findings.length, MAX_FINDINGS_PER_CHECK);
  assert.ok(findings.every((f) => f.check === RECORD_UNLISTED_FILE.id));
  const last = findings[findings.length - 1]!;
  assert.equal(last.message, '11 more files not in RECORD: demo/m19.py, demo/m20.py, demo/m21.py and 8 more');
  assert.equal((last.evidence.paths as string[]).length, 11);
});

test('no .dist-info at all: the record rule stays silent (wheel.dist-info-missing covers it)', async () => {
  const w = await editWheel(buildWheel({ tag: TAG, files }), (fs) => fs.filter((f) => !f.path.includes('.dist-info/')));
  assert.deepEqual(await runWheelRule(wheelRecordRule, w), []);
});

test('wheelRecordRule declares its checks under their stable ids, each tested above', () => {
  assert.deepEqual(wheelRecordRule.checks.map((c) => c.id), ['record.missing', 'record.malformed', 'record.hash-mismatch', 'record.size-mismatch', 'record.unlisted-file', 'record.phantom-file', 'record.weak-hash', 'record.no-hash']);
});
