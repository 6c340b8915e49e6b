/**
 * SONAME discipline (src/rules/linux/soname.ts) on bundled libraries that
 * break it, and on twins that keep it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sonameRule } from '../../src/rules/linux/soname.ts';
import { findings, manylinux, musllinux, one } from './linux-helpers.ts';

const M217 = manylinux('2.17');
const CHAIN_OK = { 'demo/_chain.so': 'chain-runpath.so', 'demo.libs/libfoo.so.1': 'libfoo.so.1', 'demo.libs/libbar.so.2': 'libbar.so.2' };

test('a well-kept bundle (NEEDED = SONAME = file name, one copy each, private names) has no SONAME finding', () => {
  assert.deepEqual(findings(sonameRule, CHAIN_OK, [M217, musllinux('1.2')]), []);
});

test('soname.needed-mismatch: libfoo.so.1 found as a file whose SONAME is libfoo.so.1.0.0', () => {
  const files = { ...CHAIN_OK, 'demo.libs/libfoo.so.1': 'libfoo-wrong-soname.so.1' };
  const f = one(findings(sonameRule, files, [M217], 'soname.needed-mismatch'));
  assert.equal(f.severity, 'warning');
  assert.equal(f.message, 'demo/_chain.so needs libfoo.so.1, found as demo.libs/libfoo.so.1 whose SONAME is libfoo.so.1.0.0');
  assert.equal(f.file, 'demo/_chain.so');
  assert.deepEqual(f.targets, [M217.id]);
  assert.deepEqual(f.evidence, { needed: 'libfoo.so.1', file: 'demo.libs/libfoo.so.1', soname: 'libfoo.so.1.0.0' });
});

test('soname.duplicate: two different libraries with SONAME libfoo.so.1 are an error, identical copies a warning', () => {
  const files = { ...CHAIN_OK, 'demo/vendor/libfoo.so.1': 'libfoo-bare.so.1' };
  const f = one(findings(sonameRule, files, [M217], 'soname.duplicate'));
  assert.equal(f.severity, 'error');
  assert.equal(f.message, 'SONAME libfoo.so.1 is carried by 2 files (demo.libs/libfoo.so.1, demo/vendor/libfoo.so.1) with different contents: whichever loads first serves every binary that needs it');
  assert.equal(f.evidence.soname, 'libfoo.so.1');
  assert.equal(f.evidence.identical, false);
  assert.deepEqual((f.evidence.files as { path: string }[]).map((x) => x.path), ['demo.libs/libfoo.so.1', 'demo/vendor/libfoo.so.1']);

  const same = one(findings(sonameRule, { ...CHAIN_OK, 'demo/vendor/libfoo.so.1': 'libfoo.so.1' }, [M217], 'soname.duplicate'));
  assert.equal(same.severity, 'warning');
  assert.match(same.message, /identical copies$/);
});

test('soname.unversioned-needed: NEEDED libfoo.so from the system; bundled under that name it passes', () => {
  const f = one(findings(sonameRule, { 'demo/_dev.so': 'ext-dev.so' }, [M217], 'soname.unversioned-needed'));
  assert.equal(f.message, 'demo/_dev.so needs libfoo.so, a development symlink name that runtime packages do not install, on manylinux_2_17_x86_64');
  assert.deepEqual(f.evidence, { needed: 'libfoo.so' });
  assert.deepEqual(findings(sonameRule, { 'demo/_dev.so': 'ext-dev.so', 'demo/libfoo.so': 'libfoo-dev.so', 'demo/libbar.so.2': 'libbar.so.2' }, [M217], 'soname.unversioned-needed'), []);
  // musl-gcc's NEEDED libc.so is musl's own loader name on a musllinux target.
  assert.deepEqual(findings(sonameRule, { 'demo/_old.so': 'ext-musl-libc.so' }, [musllinux('1.2')], 'soname.unversioned-needed'), []);
});

test('soname.not-unique: a bundled libssl.so.3 keeps its common SONAME; the auditwheel-renamed twin passes', () => {
  const f = one(findings(sonameRule, { 'demo/_ssl.so': 'ext-ssl.so', 'demo.libs/libssl.so.3': 'libssl.so.3' }, [M217], 'soname.not-unique'));
  assert.equal(f.severity, 'warning');
  assert.equal(f.message, 'demo.libs/libssl.so.3 bundles libssl under the common SONAME libssl.so.3: a process that already loaded another libssl.so.3 (the system\'s, another wheel\'s) uses that one instead');
  assert.deepEqual(f.evidence, { soname: 'libssl.so.3', library: 'libssl' });
  assert.match(f.hint, /libssl-<first 8 hex of its sha256>\.so\.3/);
  assert.deepEqual(findings(sonameRule, { 'demo/_ssl.so': 'ext-ssl-hashed.so', 'demo.libs/libssl-1a2b3c4d.so.3': 'libssl-1a2b3c4d.so.3' }, [M217]), []);
});
