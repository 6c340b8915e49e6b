/**
 * The manylinux / musllinux policy data (src/policy/): auditwheel 6.8.2's
 * files loaded, typed, and resolved for targets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import manylinuxJson from '../../src/policy/manylinux-policy.json' with { type: 'json' };
import musllinuxJson from '../../src/policy/musllinux-policy.json' with { type: 'json' };
import {
  allowsVersion,
  ceilingOf,
  claimedPolicyName,
  findPolicy,
  linuxPolicy,
  maxVersion,
  policiesFor,
  policyForTarget,
  versionFamily,
  type LinuxPolicy,
  type PolicyJson,
} from '../../src/policy/linux.ts';
import { linuxPlain, manylinux, musllinux } from './linux-helpers.ts';

type Raw = PolicyJson;

test('the policy files have auditwheel\'s shape: 17 manylinux policies (with linux) and 2 musllinux ones', () => {
  const many = manylinuxJson as unknown as Raw[];
  const musl = musllinuxJson as unknown as Raw[];
  assert.equal(many.length, 17);
  assert.deepEqual(musl.map((p) => p.name), ['linux', 'musllinux_1_1', 'musllinux_1_2']);
  for (const p of [...many, ...musl]) {
    assert.equal(typeof p.name, 'string');
    assert.ok(Array.isArray(p.aliases) && Array.isArray(p.lib_whitelist));
    assert.equal(typeof p.priority, 'number');
    for (const fams of Object.values(p.symbol_versions)) for (const list of Object.values(fams)) assert.ok(list.every((v) => typeof v === 'string'));
    for (const list of Object.values(p.blacklist)) assert.ok(list.every((v) => typeof v === 'string'));
  }
});

test('newer policies allow everything older ones do (PEP 600, auditwheel\'s _validate_pep600_compliance)', () => {
  for (const raw of [manylinuxJson, musllinuxJson] as unknown as Raw[][]) {
    const byPriority = raw.filter((p) => p.name !== 'linux').sort((a, b) => b.priority - a.priority);
    for (let i = 1; i < byPriority.length; i++) {
      const older = byPriority[i - 1]!;
      const newer = byPriority[i]!;
      for (const lib of older.lib_whitelist) assert.ok(newer.lib_whitelist.includes(lib), `${newer.name} lacks ${lib}`);
      for (const [arch, fams] of Object.entries(older.symbol_versions)) {
        if (!newer.symbol_versions[arch]) continue;
        for (const [fam, list] of Object.entries(fams)) for (const v of list) assert.ok(newer.symbol_versions[arch]![fam]?.includes(v), `${newer.name} ${arch} lacks ${fam}_${v}`);
      }
    }
  }
});

test('policies for an arch come lowest priority first, and carry the facts of the notes\' table', () => {
  const list = policiesFor('glibc', 'x86_64');
  assert.deepEqual(list.map((p) => p.name).slice(0, 3), ['linux', 'manylinux_2_41', 'manylinux_2_40']);
  assert.equal(list.at(-1)!.name, 'manylinux_2_5');
  const p = findPolicy('manylinux_2_17', 'x86_64')!;
  assert.deepEqual([p.tag, p.aliases, p.libcVersion, p.priority], ['manylinux_2_17_x86_64', ['manylinux2014_x86_64'], '2.17', 80]);
  assert.deepEqual([maxVersion(p, 'GLIBC'), maxVersion(p, 'GLIBCXX'), maxVersion(p, 'CXXABI'), maxVersion(p, 'GCC')], ['2.17', '3.4.19', '1.3.7', '4.8.0']);
  assert.equal(maxVersion(findPolicy('manylinux2014', 'aarch64')!, 'GLIBC'), '2.18');
  assert.equal(maxVersion(findPolicy('manylinux1_x86_64', 'x86_64')!, 'GLIBC'), '2.5');
  assert.ok(p.allowlist.has('libstdc++.so.6') && !p.allowlist.has('libmvec.so.1'));
  assert.ok(findPolicy('manylinux_2_24', 'x86_64')!.allowlist.has('libmvec.so.1'));
  assert.ok(p.blacklist.get('libc.so.6')!.has('__cxa_thread_atexit_impl'));
  assert.ok(p.symbolVersions.get('GLIBC')!.has('GLIBC_2.2.5'));
  assert.ok(findPolicy('manylinux_2_36', 'x86_64')!.symbolVersions.get('GLIBC')!.has('GLIBC_ABI_DT_RELR'));
  assert.equal(findPolicy('manylinux_2_5', 'aarch64'), null);
  assert.equal(findPolicy('manylinux_2_17', 'ppc64')!.tag, 'manylinux_2_17_ppc64');
  assert.equal(findPolicy('manylinux_2_24', 'ppc64'), null);
  assert.equal(linuxPolicy('glibc', 'x86_64').allowlist.size, 0);
});

test('musllinux: libc.so in the allowlist stands for the arch\'s musl loader name, no symbol versions', () => {
  const want: Record<string, string> = { x86_64: 'libc.musl-x86_64.so.1', i686: 'libc.musl-x86.so.1', aarch64: 'libc.musl-aarch64.so.1', armv7l: 'libc.musl-armv7.so.1' };
  for (const [arch, soname] of Object.entries(want)) {
    const p: LinuxPolicy = findPolicy('musllinux_1_2', arch as 'x86_64')!;
    assert.deepEqual([...p.allowlist].sort(), [soname, 'libz.so.1'].sort());
    assert.equal(p.symbolVersions.size, 0);
  }
  assert.deepEqual(policiesFor('musl', 'x86_64').map((p) => p.name), ['linux', 'musllinux_1_2', 'musllinux_1_1']);
  assert.equal(findPolicy('musllinux_1_1', 'loongarch64'), null);
});

test('a version family is the text before the first underscore, as auditwheel splits it', () => {
  assert.deepEqual(['GLIBC_2.34', 'GLIBCXX_3.4.30', 'CXXABI_TM_1', 'GLIBC_ABI_DT_RELR', 'GLIBC_PRIVATE', 'OPENSSL_3.0.0'].map(versionFamily), ['GLIBC', 'GLIBCXX', 'CXXABI', 'GLIBC', 'GLIBC', 'OPENSSL']);
});

test('a target is judged by the policy its tag names, legacy aliases included', () => {
  const tp = policyForTarget(manylinux('2.17', 'x86_64', 'manylinux2014_x86_64'))!;
  assert.deepEqual([tp.policy.tag, tp.exact, tp.libcCeiling], ['manylinux_2_17_x86_64', true, null]);
  assert.equal(claimedPolicyName({ os: 'linux', libc: { kind: 'glibc', minVersion: '2.17' }, policy: 'manylinux2014' }), 'manylinux_2_17');
  assert.equal(policyForTarget(musllinux('1.1'))!.policy.tag, 'musllinux_1_1_x86_64');
  assert.equal(policyForTarget(linuxPlain()), null);
  assert.ok(allowsVersion(tp, 'GLIBC_2.17') && !allowsVersion(tp, 'GLIBC_2.18') && !allowsVersion(tp, 'GLIBC_PRIVATE'));
  assert.ok(allowsVersion(tp, 'OPENSSL_3.0.0'), 'families the policy does not list are not judged');
});

test('a valid tag without a policy of its own is judged by the nearest older one, with its own glibc ceiling', () => {
  const tp = policyForTarget(manylinux('2.30'))!;
  assert.deepEqual([tp.policy.tag, tp.exact, tp.libcCeiling], ['manylinux_2_28_x86_64', false, '2.30']);
  assert.match(tp.note!, /no manylinux_2_30_x86_64 policy; judged by manylinux_2_28_x86_64/);
  assert.ok(allowsVersion(tp, 'GLIBC_2.30') && !allowsVersion(tp, 'GLIBC_2.31'));
  assert.equal(ceilingOf(tp, 'GLIBC'), '2.30');
  assert.equal(ceilingOf(tp, 'GLIBCXX'), '3.4.24');
  // Older than any aarch64 policy: the oldest aarch64 policy stands in, the tag's ceiling still holds.
  const old = policyForTarget(manylinux('2.5', 'arm64'))!;
  assert.deepEqual([old.policy.tag, old.libcCeiling], ['manylinux_2_17_aarch64', '2.5']);
});
