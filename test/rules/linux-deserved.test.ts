/**
 * The deserved platform tag (src/rules/linux/deserved-tag.ts) and the
 * elf.deserved-tag finding. Every expected tag, versioned_symbols,
 * external_libs and policy_upgrades value below was produced by the real
 * `auditwheel show --json` (6.8.2, on this Debian 12 machine) for the same
 * files packed into wheels with test/support/wheel-builder.ts; the default
 * host (a manylinux image: allowlisted libraries only) gives the same answers
 * for these wheels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseElf } from '../../src/binary/elf/parse.ts';
import { bytesSource } from '../../src/binary/source.ts';
import { deservedPlatformTag, type DeservedTag } from '../../src/rules/linux/deserved-tag.ts';
import { deservedTagRule } from '../../src/rules/linux/deserved.ts';
import { localHost } from '../../src/rules/linux/host.ts';
import type { PolicyLibc, WheelArch } from '../../src/policy/linux.ts';
import { findings, fx, linuxPlain, manylinux, musllinux, one } from './linux-helpers.ts';

function tagOf(files: Record<string, string>, arch: WheelArch | null = 'x86_64', libc: PolicyLibc | null = 'glibc', muslPolicy?: string): DeservedTag {
  const binaries = Object.entries(files).map(([path, f]) => ({ path, elf: parseElf(bytesSource(readFileSync(fx[f]!))) }));
  return deservedPlatformTag(binaries, arch, libc, muslPolicy ? { muslPolicy } : {});
}

test('symbol versions alone decide the tag of a self-contained extension', () => {
  const cases: [string, string, string][] = [
    ['ext-plain.so', '_plain', 'manylinux_2_5_x86_64'],
    ['ext-pinned.so', '_pinned', 'manylinux_2_5_x86_64'],
    ['ext-old.so', '_old', 'manylinux_2_17_x86_64'],
    ['ext-new.so', '_new', 'manylinux_2_36_x86_64'],
    ['ext-cxx.so', '_cxx', 'manylinux_2_24_x86_64'],
  ];
  for (const [fixture, mod, want] of cases) assert.equal(tagOf({ [`demo/${mod}.so`]: fixture }).tag, want, fixture);
  const r = tagOf({ 'demo/_old.so': 'ext-old.so' });
  assert.deepEqual(r.aliases, ['manylinux2014_x86_64']);
  assert.deepEqual(r.versionedSymbols, { 'libc.so.6': ['GLIBC_2.14', 'GLIBC_2.2.5'] });
  assert.deepEqual(r.externalLibs, {});
  assert.deepEqual(r.policyUpgrades, {});
});

test('each better policy comes with its reasons, naming the symbols (auditwheel only says "constrained")', () => {
  const r = tagOf({ 'demo/_new.so': 'ext-new.so' });
  assert.equal(r.symTag, 'manylinux_2_36_x86_64');
  assert.deepEqual(r.versionedSymbols, { 'libc.so.6': ['GLIBC_2.2.5', 'GLIBC_2.34', 'GLIBC_2.36'] });
  assert.deepEqual(r.rejected['manylinux_2_35_x86_64']!.tooNewVersions, [{ version: 'GLIBC_2.36', libs: ['libc.so.6'], culprits: ['arc4random@GLIBC_2.36 (demo/_new.so)'] }]);
  assert.deepEqual(r.rejected['manylinux_2_17_x86_64']!.tooNewVersions.map((v) => v.culprits), [
    ['pthread_create@GLIBC_2.34 (demo/_new.so)', 'pthread_join@GLIBC_2.34 (demo/_new.so)'],
    ['arc4random@GLIBC_2.36 (demo/_new.so)'],
  ]);
  assert.equal(r.rejected['manylinux_2_36_x86_64'], undefined);
});

test('blacklisted symbols: out of manylinux_2_17, as auditwheel\'s policy_upgrades says', () => {
  const r = tagOf({ 'demo/_bl.so': 'ext-blacklist-aarch64.so' }, 'aarch64');
  assert.equal(r.tag, 'manylinux_2_24_aarch64');
  assert.equal(r.symTag, 'manylinux_2_17_aarch64');
  const bl = { blacklisted_symbols: { 'libc.so.6': ['__cxa_thread_atexit_impl'] } };
  assert.deepEqual(r.policyUpgrades, { 'manylinux_2_17_aarch64': bl });
  assert.deepEqual(r.rejected['manylinux_2_17_aarch64']!.blacklistedSymbols, { 'libc.so.6': ['__cxa_thread_atexit_impl'] });
  assert.equal(tagOf({ 'demo/_blw.so': 'ext-blacklist-weak.so' }).tag, 'manylinux_2_24_x86_64', 'GLIBC_2.18 is still needed by the weak reference');
  assert.deepEqual(tagOf({ 'demo/_blw.so': 'ext-blacklist-weak.so' }).policyUpgrades['manylinux_2_17_x86_64'], undefined);
});

test('an ISA extension, an external library or libpython makes it linux_<arch>', () => {
  const isa = tagOf({ 'demo/_plain.so': 'ext-isa-v3.so' });
  assert.deepEqual([isa.tag, isa.unsupportedIsa, isa.symTag], ['linux_x86_64', true, 'manylinux_2_5_x86_64']);
  assert.deepEqual(isa.rejected['manylinux_2_5_x86_64']!.isa, [{ file: 'demo/_plain.so', isa: 'x86-64-v3' }]);

  const missing = tagOf({ 'demo/_chain.so': 'chain-runpath.so', 'demo.libs/libfoo.so.1': 'libfoo.so.1' });
  assert.equal(missing.tag, 'linux_x86_64');
  assert.deepEqual(missing.externalLibs, { 'libbar.so.2': null });
  assert.deepEqual(missing.policyUpgrades['manylinux_2_5_x86_64'], { libs_to_eliminate: ['libbar.so.2'] });

  const embed = tagOf({ 'demo/_embed.so': 'ext-embed.so' });
  assert.deepEqual([embed.tag, embed.externalLibs], ['linux_x86_64', { 'libpython3.11.so.1.0': null }]);
});

test('auditwheel\'s lddtree, not the loader: the top RUNPATH serves the whole tree, bundled versions count', () => {
  // The loader fails this wheel (libfoo has no RUNPATH for libbar); auditwheel show calls it manylinux_2_5.
  const bare = tagOf({ 'demo/_chain.so': 'chain-runpath.so', 'demo.libs/libfoo.so.1': 'libfoo-bare.so.1', 'demo.libs/libbar.so.2': 'libbar.so.2' });
  assert.deepEqual([bare.tag, bare.externalLibs], ['manylinux_2_5_x86_64', {}]);
  // No RPATH/RUNPATH: the bundled libraries are external to auditwheel too.
  const nopath = tagOf({ 'demo/_chain.so': 'chain-nopath.so', 'demo.libs/libfoo.so.1': 'libfoo.so.1', 'demo.libs/libbar.so.2': 'libbar.so.2' });
  assert.deepEqual([nopath.tag, nopath.externalLibs], ['linux_x86_64', { 'libfoo.so.1': null }]);
  // GLIBCXX_3.4.30 needed from the bundled, renamed libstdc++ still constrains the tag.
  const cxx = tagOf({ 'demo/_cxxstub.so': 'ext-cxxstub.so', 'demo.libs/libstdc++-1a2b3c4d.so.6': 'libstdc++-1a2b3c4d.so.6' });
  assert.equal(cxx.tag, 'manylinux_2_35_x86_64');
  assert.deepEqual(cxx.versionedSymbols, { 'libc.so.6': ['GLIBC_2.2.5'], 'libstdc++-1a2b3c4d.so.6': ['GLIBCXX_3.4.30'] });
});

test('a dependency graph beyond the work budget is an error result, not a hang', () => {
  const binaries = [{ path: 'demo/_chain.so', elf: parseElf(bytesSource(readFileSync(fx['chain-runpath.so']!))) }];
  const r = deservedPlatformTag(binaries, 'x86_64', 'glibc', { budget: 1 });
  assert.equal(r.tag, null);
  assert.equal(r.error, "the wheel's dependency trees need more than 1 library lookups: too large to analyse");
});

test('files of another architecture are ignored; none left is auditwheel\'s error', () => {
  const mixed = tagOf({ 'demo/_plain.so': 'ext-plain.so', 'demo/_x.so': 'ext-aarch64.so' });
  assert.equal(mixed.tag, 'manylinux_2_5_x86_64');
  assert.deepEqual(mixed.ignored, [{ path: 'demo/_x.so', reason: 'aarch64 architecture' }]);
  const soft = tagOf({ 'demo/_plain.so': 'ext-armel.so' }, 'armv7l');
  assert.equal(soft.tag, null);
  assert.equal(soft.error, "Invalid binary wheel: no ELF executable or shared library file (including compiled Python C extension) with a 'armv7l' architecture found. The following ELF files were found:\n\t_plain.so\n");
  assert.equal(tagOf({ 'demo/_plain.so': 'ext-armhf.so' }, 'armv7l').tag, 'manylinux_2_17_armv7l');
  assert.equal(tagOf({ 'demo/_plain.so': 'ext-i686.so' }, 'i686').tag, 'manylinux_2_5_i686');
  assert.equal(tagOf({ 'demo/_plain.so': 'ext-plain.so' }, null, null).tag, 'manylinux_2_5_x86_64', 'arch and libc from the first ELF');
});

test('with this machine as auditwheel\'s host, an external library resolves and adds its own versions', () => {
  const binaries = [{ path: 'demo/_expat.so', elf: parseElf(bytesSource(readFileSync(fx['ext-expat.so']!))) }];
  const r = deservedPlatformTag(binaries, 'x86_64', 'glibc', { host: localHost() });
  assert.equal(r.tag, 'manylinux_2_12_x86_64');
  assert.match(r.externalLibs['libexpat.so.1'] ?? '', /^\/(usr\/)?lib\/x86_64-linux-gnu\/libexpat\.so\.1\.\d+\.\d+$/);
  assert.deepEqual(r.policyUpgrades, { 'manylinux_2_5_x86_64': { libs_to_eliminate: ['libexpat.so.1'] } });
  assert.ok(r.rejected['manylinux_2_5_x86_64']!.tooNewVersions.some((v) => v.culprits.includes(`${v.version} (external libexpat.so.1)`)));
  // The default host is a manylinux image: the allowlisted library is there, its contents unknown.
  const d = deservedPlatformTag(binaries, 'x86_64', 'glibc');
  assert.deepEqual([d.tag, d.externalLibs], ['manylinux_2_12_x86_64', { 'libexpat.so.1': '/usr/lib/libexpat.so.1' }]);
});

test('musl: judged by the musllinux policy asked for (auditwheel: its host\'s, else the newest)', () => {
  const r = tagOf({ 'demo/_old.so': 'ext-musl.so' }, 'x86_64', 'musl');
  assert.deepEqual([r.tag, r.libc, r.versionedSymbols], ['musllinux_1_2_x86_64', 'musl', {}]);
  assert.equal(tagOf({ 'demo/_old.so': 'ext-musl.so' }, 'x86_64', 'musl', 'musllinux_1_1').tag, 'musllinux_1_1_x86_64');
  // musl-gcc's NEEDED libc.so is not the allowlisted libc.musl-x86_64.so.1.
  assert.deepEqual(tagOf({ 'demo/_old.so': 'ext-musl-libc.so' }, 'x86_64', 'musl').externalLibs, { 'libc.so': null });
});

test('elf.deserved-tag: reported beside the claim, with what keeps the claimed policy out of reach', () => {
  const f = one(findings(deservedTagRule, { 'demo/_new.cpython-311-x86_64-linux-gnu.so': 'ext-new.so' }, [manylinux('2.17', 'x86_64', 'manylinux_2_17_x86_64')]));
  assert.equal(f.check, 'elf.deserved-tag');
  assert.equal(f.severity, 'info');
  assert.equal(
    f.message,
    'deserves manylinux_2_36_x86_64 (claims manylinux_2_17_x86_64): manylinux_2_17_x86_64 is out of reach: GLIBC_2.34 (pthread_create@GLIBC_2.34 (demo/_new.cpython-311-x86_64-linux-gnu.so), pthread_join@GLIBC_2.34 (demo/_new.cpython-311-x86_64-linux-gnu.so)), GLIBC_2.36 (arc4random@GLIBC_2.36 (demo/_new.cpython-311-x86_64-linux-gnu.so))',
  );
  assert.deepEqual(f.targets, [manylinux('2.17').id]);
  assert.equal(f.evidence.tag, 'manylinux_2_36_x86_64');
  assert.deepEqual(f.evidence.claimed, ['manylinux_2_17_x86_64']);
});

test('elf.deserved-tag: consistent, more compatible, or untagged claims', () => {
  assert.equal(one(findings(deservedTagRule, { 'demo/_old.so': 'ext-old.so' }, [manylinux('2.17')])).message, 'deserves manylinux_2_17_x86_64 (claims manylinux_2_17_x86_64): consistent with the claim');
  assert.equal(one(findings(deservedTagRule, { 'demo/_plain.so': 'ext-plain.so' }, [manylinux('2.28')])).message, 'deserves manylinux_2_5_x86_64 (claims manylinux_2_28_x86_64): more compatible than claimed');
  assert.equal(
    one(findings(deservedTagRule, { 'demo/_old.so': 'ext-old.so' }, [linuxPlain()])).message,
    'deserves manylinux_2_17_x86_64 (claims linux_x86_64): manylinux_2_12_x86_64 is out of reach: GLIBC_2.14 (memcpy@GLIBC_2.14 (demo/_old.so))',
  );
  assert.equal(one(findings(deservedTagRule, { 'demo/_old.so': 'ext-musl.so' }, [musllinux('1.1')])).evidence.tag, 'musllinux_1_1_x86_64');
  assert.equal(
    one(findings(deservedTagRule, { 'demo/_old.so': 'ext-musl-libc.so' }, [musllinux('1.2')])).message,
    "deserves linux_x86_64 (claims musllinux_1_2_x86_64): musllinux_1_2_x86_64 is out of reach: external libc.so (musl's loader provides libc.so itself; auditwheel counts it as external)",
  );
  assert.deepEqual(findings(deservedTagRule, {}, [manylinux('2.17')]), []);
});
