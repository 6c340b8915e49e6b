/**
 * A binary is judged only against the targets it must serve (ctx.targetsOf):
 * all of a wheel's, but for an npm prebuild or a JAR native only those its own
 * path claims. Here a musl library that serves only a musl target, beside a
 * glibc target of the same architecture, raises nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRule } from '../support/audit-context.ts';
import { elfRule } from '../../src/rules/linux/index.ts';
import { binaryPlatformRule } from '../../src/rules/binary/platform.ts';
import { linuxFixtures } from '../fixtures/linux.ts';
import { elfFixtures } from '../fixtures/elf.ts';
import { manylinux, musllinux } from './linux-helpers.ts';

const glibc = manylinux('2.17');
const musl = musllinux('1.2');

test('elf.libc-mismatch judges a musl library only against the targets it serves', () => {
  const binaries = { 'pkg/prebuilds/linux-x64/addon.musl.node': linuxFixtures()['ext-musl.so']! };
  const all = runRule(elfRule, { binaries, targets: [glibc, musl] });
  assert.deepEqual(all.filter((f) => f.check === 'elf.libc-mismatch').map((f) => f.targets), [[glibc.id]]);
  const own = runRule(elfRule, { binaries, targets: [glibc, musl], targetsOf: () => [musl] });
  assert.deepEqual(own.filter((f) => f.check === 'elf.libc-mismatch'), []);
});

test('binary.arch-mismatch judges an x86_64 library only against the targets it serves', () => {
  const arm = manylinux('2.17', 'arm64');
  const binaries = { 'pkg/prebuilds/linux-x64/addon.node': elfFixtures()['glibc-x86_64.so']! };
  const all = runRule(binaryPlatformRule, { binaries, targets: [glibc, arm] });
  assert.deepEqual(all.filter((f) => f.check === 'binary.arch-mismatch').flatMap((f) => f.targets), [arm.id]);
  const own = runRule(binaryPlatformRule, { binaries, targets: [glibc, arm], targetsOf: () => [glibc] });
  assert.deepEqual(own, []);
});
