import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions, splitVersionName } from '../src/version.ts';

test('compares dotted versions numerically, missing parts as zero', () => {
  assert.ok(compareVersions('2.10', '2.9') > 0);
  assert.ok(compareVersions('2.2.5', '2.3') < 0);
  assert.equal(compareVersions('11.0', '11'), 0);
});

test('splits versioned symbol-set names into family and version', () => {
  assert.deepEqual(splitVersionName('GLIBC_2.2.5'), { family: 'GLIBC', version: '2.2.5' });
  assert.deepEqual(splitVersionName('GLIBCXX_3.4.21'), { family: 'GLIBCXX', version: '3.4.21' });
  assert.deepEqual(splitVersionName('CXXABI_TM_1'), { family: 'CXXABI_TM', version: '1' });
  assert.equal(splitVersionName('GLIBC_PRIVATE'), null);
  assert.equal(splitVersionName('libfoo.so.1'), null);
});
