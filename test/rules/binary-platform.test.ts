/**
 * binary.format-mismatch and binary.arch-mismatch (src/rules/binary/platform.ts)
 * across ELF, Mach-O (thin and fat) and PE fixtures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryPlatformRule } from '../../src/rules/binary/platform.ts';
import { extensionInitVersion } from '../../src/rules/python/extension-name.ts';
import { auditedBinary } from '../support/audit-context.ts';
import { readFileSync } from 'node:fs';
import { machoFixtures } from '../fixtures/macho.ts';
import { peFixtures } from '../fixtures/pe.ts';
import { findings, fx, macos, manylinux, one, windows } from './linux-helpers.ts';

const macho = machoFixtures();
const pe = peFixtures();
const M217 = manylinux('2.17');
const U2 = [macos('x86_64', '11.0', 'macosx_11_0_universal2'), macos('arm64', '11.0', 'macosx_11_0_universal2')];
const WIN64 = windows('x86_64', 'win_amd64');

test('every format tells a Python extension module by its exported init function', () => {
  assert.equal(extensionInitVersion(auditedBinary('demo/_plain.cpython-311-x86_64-linux-gnu.so', readFileSync(fx['ext-plain.so']!))), 3);
  assert.equal(extensionInitVersion(auditedBinary('demo/other.so', readFileSync(fx['ext-plain.so']!))), null);
  assert.equal(extensionInitVersion(auditedBinary('demo.cpython-311-darwin.so', readFileSync(macho['demo.cpython-311-darwin.so']))), 3);
  assert.equal(extensionInitVersion(auditedBinary('demo/x64.dll', readFileSync(pe['x64.dll']))), null);
});

test('binary.format-mismatch: an ELF extension in a Windows wheel is an error, a stray DLL in a manylinux wheel a warning', () => {
  const f = one(findings(binaryPlatformRule, { 'demo/_plain.so': 'ext-plain.so' }, [WIN64]));
  assert.equal(f.check, 'binary.format-mismatch');
  assert.equal(f.severity, 'error');
  assert.equal(f.message, 'demo/_plain.so is an ELF (Linux) binary; win_amd64 needs PE (Windows)');
  assert.deepEqual(f.targets, [WIN64.id]);
  assert.deepEqual(f.evidence.expected, [{ target: WIN64.id, os: 'windows', arch: 'x86_64' }]);

  const d = one(findings(binaryPlatformRule, { 'demo/x64.dll': pe['x64.dll'] }, [M217]));
  assert.equal(d.check, 'binary.format-mismatch');
  assert.equal(d.severity, 'warning');
  assert.equal(d.message, 'demo/x64.dll is a PE (Windows) binary; manylinux_2_17_x86_64 needs ELF (Linux) (nothing in the artifact loads it by name)');
});

test('binary.format-mismatch: each format in its own platform\'s wheel passes', () => {
  assert.deepEqual(findings(binaryPlatformRule, { 'demo/_plain.so': 'ext-plain.so' }, [M217]), []);
  assert.deepEqual(findings(binaryPlatformRule, { 'demo/x64.dll': pe['x64.dll'] }, [WIN64]), []);
  assert.deepEqual(findings(binaryPlatformRule, { 'demo/libgreet.dylib': macho['greet-universal.dylib'] }, U2), []);
});

test('binary.arch-mismatch: 32-bit i686 and aarch64 extensions in an x86_64 wheel', () => {
  const f = one(findings(binaryPlatformRule, { 'demo/_plain.so': 'ext-i686.so' }, [M217]));
  assert.equal(f.check, 'binary.arch-mismatch');
  assert.equal(f.severity, 'error');
  assert.equal(f.message, 'demo/_plain.so is i686 (ELF 32-bit); manylinux_2_17_x86_64 needs x86_64');
  assert.deepEqual(f.evidence.arches, ['i386']);
  assert.deepEqual(f.evidence.bits, [32]);
  const a = one(findings(binaryPlatformRule, { 'demo/_plain.so': 'ext-aarch64.so' }, [M217]));
  assert.equal(a.message, 'demo/_plain.so is aarch64 (ELF 64-bit); manylinux_2_17_x86_64 needs x86_64');
  assert.deepEqual(findings(binaryPlatformRule, { 'demo/_plain.so': 'ext-aarch64.so' }, [manylinux('2.17', 'arm64', 'manylinux2014_aarch64')]), []);
});

test('binary.arch-mismatch: a library another binary needs is an error even when it is not an extension', () => {
  const files = { 'demo/_ssl.so': 'ext-ssl.so', 'demo.libs/libssl.so.3': 'ext-aarch64.so' };
  const f = one(findings(binaryPlatformRule, files, [M217]));
  assert.equal(f.file, 'demo.libs/libssl.so.3');
  assert.equal(f.severity, 'error');
  assert.equal(f.evidence.loadedByImportOrOtherBinary, true);
});

test('binary.arch-mismatch: universal2 needs both slices; an arm64-only extension lacks x86_64', () => {
  const f = one(findings(binaryPlatformRule, { 'demo.cpython-311-darwin.so': macho['demo.cpython-311-darwin.so'] }, U2));
  assert.equal(f.check, 'binary.arch-mismatch');
  assert.equal(f.severity, 'error');
  assert.equal(f.message, 'demo.cpython-311-darwin.so has only the arm64 slice; macosx_11_0_universal2 needs an x86_64 slice');
  assert.deepEqual(f.targets, [U2[0]!.id]);
  assert.deepEqual(findings(binaryPlatformRule, { 'demo.cpython-311-darwin.so': macho['demo.cpython-311-darwin.so'] }, [U2[1]!]), []);
});

test('binary.arch-mismatch: a 32-bit DLL in a win_amd64 wheel', () => {
  const f = one(findings(binaryPlatformRule, { 'demo/x86.dll': pe['x86.dll'] }, [WIN64]));
  assert.equal(f.message, 'demo/x86.dll is i386 (PE 32-bit); win_amd64 needs x86_64 (nothing in the artifact loads it by name)');
  assert.equal(f.severity, 'warning');
});

test('binary.arch-mismatch: armv7l tags need the hard-float EABI5 ABI', () => {
  const armv7l = manylinux('2.17', 'arm', 'manylinux_2_17_armv7l');
  const f = one(findings(binaryPlatformRule, { 'demo/_plain.so': 'ext-armel.so' }, [armv7l]));
  assert.equal(f.message, 'demo/_plain.so is soft-float ARM (armel), not hard-float; manylinux_2_17_armv7l needs armv7l hard-float EABI5');
  assert.deepEqual(findings(binaryPlatformRule, { 'demo/_plain.so': 'ext-armhf.so' }, [armv7l]), []);
});
