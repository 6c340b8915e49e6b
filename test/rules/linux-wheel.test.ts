/**
 * The Linux and binary rules through the whole audit (src/audit/audit.ts): a
 * real wheel file, its targets made from its tags by the wheel model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditFile } from '../../src/audit/audit.ts';
import { binaryPlatformRule } from '../../src/rules/binary/platform.ts';
import { LINUX_RULES } from '../../src/rules/linux/index.ts';
import { writeWheel } from '../support/wheel-builder.ts';
import { fx } from './linux-helpers.ts';

const RULES = [binaryPlatformRule, ...LINUX_RULES];

test('a manylinux2014 wheel: the too-new extension and the broken bundled chain are named, the tag it deserves is given', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'distaudit-linux-'));
  try {
    const whl = writeWheel(dir, {
      name: 'demo',
      version: '1.0',
      tag: 'cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64',
      files: {
        'demo/__init__.py': '',
        'demo/_chain.cpython-311-x86_64-linux-gnu.so': readFileSync(fx['chain-runpath.so']!),
        'demo.libs/libfoo.so.1': readFileSync(fx['libfoo-bare.so.1']!),
        'demo.libs/libbar.so.2': readFileSync(fx['libbar.so.2']!),
        'demo/_new.cpython-311-x86_64-linux-gnu.so': readFileSync(fx['ext-new.so']!),
      },
    });
    const report = await auditFile(whl, { rules: RULES });
    const target = 'linux-x86_64-glibc2.17';
    const got = report.findings.map((f) => [f.check, f.severity, f.file, f.targets] as const);
    assert.deepEqual(got, [
      ['elf.symbol-version-too-new', 'error', 'demo/_new.cpython-311-x86_64-linux-gnu.so', [target]],
      ['deps.missing-library', 'error', 'demo.libs/libfoo.so.1', [target]],
      ['elf.deserved-tag', 'info', null, [target]],
    ]);
    assert.match(report.findings[2]!.message, /^deserves manylinux_2_36_x86_64 \(claims manylinux_2_17_x86_64\.manylinux2014_x86_64\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a clean musllinux wheel has only the deserved tag to report', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'distaudit-linux-'));
  try {
    const whl = writeWheel(dir, {
      name: 'demo',
      version: '1.0',
      tag: 'cp311-cp311-musllinux_1_2_x86_64',
      files: { 'demo/__init__.py': '', 'demo/_old.cpython-311-x86_64-linux-musl.so': readFileSync(fx['ext-musl.so']!) },
    });
    const report = await auditFile(whl, { rules: RULES });
    assert.deepEqual(report.findings.map((f) => [f.check, f.message]), [['elf.deserved-tag', 'deserves musllinux_1_2_x86_64 (claims musllinux_1_2_x86_64): consistent with the claim']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
