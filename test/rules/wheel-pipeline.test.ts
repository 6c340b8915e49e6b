/**
 * The wheel model and rules through the real pipeline (src/audit/audit.ts:
 * the streaming zip reader, kept texts, binary parsing): what a user of
 * `distaudit audit` sees for a clean wheel and for a broken one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditFile } from '../../src/audit/audit.ts';
import { wheelReader } from '../../src/artifact/wheel/reader.ts';
import { WHEEL_RULES } from '../../src/rules/wheel/index.ts';
import { writeWheel } from '../support/wheel-builder.ts';
import { wheelFixtures } from '../fixtures/wheel.ts';

const EXT = readFileSync(wheelFixtures()['ext-x86_64-glibc.so']);

test('the wheel reader: kind, names it takes, kept texts', () => {
  assert.equal(wheelReader.kind, 'wheel');
  assert.ok(wheelReader.matches('demo-1.0-py3-none-any.whl'));
  assert.ok(!wheelReader.matches('demo-1.0.tar.gz'));
  assert.ok(wheelReader.keepText('demo-1.0.dist-info/RECORD'));
  // Package __init__.py files are kept: the Windows rules look there for os.add_dll_directory.
  assert.ok(wheelReader.keepText('demo/__init__.py'));
  assert.ok(!wheelReader.keepText('demo/core.py'));
  assert.ok(!wheelReader.keepText('demo/_ext.cpython-311-x86_64-linux-gnu.so'));
});

test('a correct wheel passes every wheel rule through the pipeline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'distaudit-wheel-'));
  try {
    const path = writeWheel(dir, { tag: 'cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64', files: { 'demo/__init__.py': '', 'demo/_ext.cpython-311-x86_64-linux-gnu.so': EXT } });
    const r = await auditFile(path, { rules: WHEEL_RULES });
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.targets.map((t) => [t.id, t.claims]), [['linux-x86_64-glibc2.17', ['manylinux_2_17_x86_64', 'manylinux2014_x86_64']]]);
    assert.deepEqual(r.wheel, { distribution: 'demo', version: '1.0', tags: ['cp311-cp311-manylinux_2_17_x86_64', 'cp311-cp311-manylinux2014_x86_64'], pure: false, deservedPlatformTags: null });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a wheel renamed to cp312 with a file left out of RECORD and a tests/ directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'distaudit-wheel-'));
  try {
    const path = writeWheel(dir, {
      tag: 'cp312-cp312-manylinux_2_17_x86_64',
      files: { 'demo/__init__.py': '', 'demo/_ext.cpython-311-x86_64-linux-gnu.so': EXT, 'tests/test_demo.py': 'def test(): pass\n' },
      record: { exclude: ['demo/_ext.cpython-311-x86_64-linux-gnu.so'] },
    });
    const r = await auditFile(path, { rules: WHEEL_RULES });
    assert.deepEqual(
      r.findings.map((f) => [f.check, f.severity, f.file, f.targets]),
      [
        ['record.unlisted-file', 'error', 'demo/_ext.cpython-311-x86_64-linux-gnu.so', []],
        ['wheel.junk-file', 'warning', 'tests/test_demo.py', []],
        ['python.extension-tag-mismatch', 'error', 'demo/_ext.cpython-311-x86_64-linux-gnu.so', ['linux-x86_64-glibc2.17']],
      ],
    );
    assert.equal(r.overall.verdict, 'fail');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
