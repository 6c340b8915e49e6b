/**
 * The ELF checks (src/rules/linux/elf-checks.ts) on fixtures that really have
 * each defect, and on clean twins.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elfRule } from '../../src/rules/linux/elf-checks.ts';
import { findings, linuxPlain, manylinux, musllinux, one } from './linux-helpers.ts';

const M217 = manylinux('2.17');
const M236 = manylinux('2.36');
const MUSL = musllinux('1.2');

test('elf.libc-mismatch: a musl extension in a manylinux wheel, a glibc one in a musllinux wheel', () => {
  const f = one(findings(elfRule, { 'demo/_old.cpython-311-x86_64-linux-gnu.so': 'ext-musl.so' }, [M217], 'elf.libc-mismatch'));
  assert.equal(f.severity, 'error');
  assert.equal(f.message, 'demo/_old.cpython-311-x86_64-linux-gnu.so is linked against musl (NEEDED libc.musl-x86_64.so.1) but manylinux_2_17_x86_64 promises glibc systems');
  assert.deepEqual(f.targets, [M217.id]);
  assert.deepEqual(f.evidence, { libc: 'musl', libcEvidence: 'NEEDED libc.musl-x86_64.so.1', expected: 'glibc' });

  const g = one(findings(elfRule, { 'demo/_old.so': 'ext-old.so' }, [MUSL], 'elf.libc-mismatch'));
  assert.equal(g.message, 'demo/_old.so is linked against glibc (NEEDED libc.so.6) but musllinux_1_2_x86_64 promises musl systems');
  assert.deepEqual(g.targets, [MUSL.id]);
});

test('elf.libc-mismatch: clean twins (musl under musllinux, glibc under manylinux) pass', () => {
  assert.deepEqual(findings(elfRule, { 'demo/_old.so': 'ext-musl.so' }, [MUSL]), []);
  assert.deepEqual(findings(elfRule, { 'demo/_old.so': 'ext-old.so' }, [M217], 'elf.libc-mismatch'), []);
});

test('elf.libc-mismatch: GLIBC_2.0 needed from a bundled libgcc_s (as in pydantic-core\'s musllinux wheels) is not glibc', () => {
  const files = { 'demo/_unwind.cpython-311-x86_64-linux-musl.so': 'ext-musl-unwind.so', 'demo.libs/libgcc_s-e52197c3.so.1': 'libgcc_s-e52197c3.so.1' };
  assert.deepEqual(findings(elfRule, files, [MUSL]), []);
});

test('elf.isa-level: x86-64-v3 needed under a baseline x86_64 tag', () => {
  const f = one(findings(elfRule, { 'demo/_plain.so': 'ext-isa-v3.so' }, [M217, linuxPlain()], 'elf.isa-level'));
  assert.equal(f.message, 'demo/_plain.so needs x86-64-v3 instructions (GNU property x86 ISA needed) but manylinux_2_17_x86_64, linux_x86_64 promises every x86-64 CPU');
  assert.deepEqual(f.targets, [M217.id, linuxPlain().id]);
  assert.equal(f.evidence.level, 'x86-64-v3');
  assert.deepEqual(findings(elfRule, { 'demo/_plain.so': 'ext-plain.so' }, [M217], 'elf.isa-level'), []);
});

test('elf.symbol-version-too-new names the symbols that need each version', () => {
  const f = one(findings(elfRule, { 'demo/_new.cpython-311-x86_64-linux-gnu.so': 'ext-new.so' }, [M217], 'elf.symbol-version-too-new'));
  assert.equal(f.severity, 'error');
  assert.equal(
    f.message,
    'demo/_new.cpython-311-x86_64-linux-gnu.so needs GLIBC_2.34, GLIBC_2.36 from libc.so.6 (pthread_create@GLIBC_2.34, pthread_join@GLIBC_2.34, arc4random@GLIBC_2.36) but manylinux_2_17_x86_64 allows GLIBC ≤ 2.17',
  );
  assert.deepEqual(f.targets, [M217.id]);
  assert.deepEqual(f.evidence.versions, [
    { version: 'GLIBC_2.34', library: 'libc.so.6', symbols: ['pthread_create', 'pthread_join'], weak: false },
    { version: 'GLIBC_2.36', library: 'libc.so.6', symbols: ['arc4random'], weak: false },
  ]);
  assert.equal(f.evidence.allowedUpTo, '2.17');
  assert.equal(f.evidence.fits, 'manylinux_2_36_x86_64');
  assert.match(f.hint, /claim manylinux_2_36_x86_64/);
});

test('elf.symbol-version-too-new: the same binary passes manylinux_2_36, and an old-symbols twin passes manylinux_2_17', () => {
  assert.deepEqual(findings(elfRule, { 'demo/_new.so': 'ext-new.so' }, [M236], 'elf.symbol-version-too-new'), []);
  assert.deepEqual(findings(elfRule, { 'demo/_old.so': 'ext-old.so' }, [M217], 'elf.symbol-version-too-new'), []);
  // memcpy@GLIBC_2.14 is too new for manylinux1 (2.5); the pinned twin needs only 2.2.5.
  const f = one(findings(elfRule, { 'demo/_old.so': 'ext-old.so' }, [manylinux('2.5', 'x86_64', 'manylinux1_x86_64')], 'elf.symbol-version-too-new'));
  assert.equal(f.message, 'demo/_old.so needs GLIBC_2.14 from libc.so.6 (memcpy@GLIBC_2.14) but manylinux1_x86_64 allows GLIBC ≤ 2.5');
  assert.deepEqual(findings(elfRule, { 'demo/_pinned.so': 'ext-pinned.so' }, [manylinux('2.5')], 'elf.symbol-version-too-new'), []);
});

test('elf.symbol-version-too-new: C++ families are reported one by one', () => {
  const list = findings(elfRule, { 'demo/_cxx.so': 'ext-cxx.so' }, [M217], 'elf.symbol-version-too-new');
  assert.deepEqual(list.map((f) => f.evidence.family), ['CXXABI', 'GLIBCXX']);
  const [abi, cxx] = list as [(typeof list)[0], (typeof list)[0]];
  assert.match(cxx.message, /^demo\/_cxx\.so needs GLIBCXX_3\.4\.21, GLIBCXX_3\.4\.22 from libstdc\+\+\.so\.6 \(.*@GLIBCXX_3\.4\.21.*\) but manylinux_2_17_x86_64 allows GLIBCXX ≤ 3\.4\.19$/);
  assert.match(abi.message, /needs CXXABI_1\.3\.9 from libstdc\+\+\.so\.6 \(.*@CXXABI_1\.3\.9.*\) but manylinux_2_17_x86_64 allows CXXABI ≤ 1\.3\.7$/);
  assert.equal(cxx.evidence.fits, 'manylinux_2_24_x86_64');
  assert.deepEqual(findings(elfRule, { 'demo/_cxx.so': 'ext-cxx.so' }, [manylinux('2.24')], 'elf.symbol-version-too-new'), []);
});

test('elf.symbol-version-too-new: versions needed from a library the wheel bundles do not count', () => {
  // GLIBCXX_3.4.30 comes from the bundled, renamed libstdc++ (auditwheel counts it: see linux-deserved.test.ts).
  const bundled = { 'demo/_cxxstub.so': 'ext-cxxstub.so', 'demo.libs/libstdc++-1a2b3c4d.so.6': 'libstdc++-1a2b3c4d.so.6' };
  assert.deepEqual(findings(elfRule, bundled, [M217], 'elf.symbol-version-too-new'), []);
  // Without the library in the wheel, the same need is a system need, and too new.
  const f = one(findings(elfRule, { 'demo/_cxxstub.so': 'ext-cxxstub.so' }, [M217], 'elf.symbol-version-too-new'));
  assert.equal(f.message, 'demo/_cxxstub.so needs GLIBCXX_3.4.30 from libstdc++-1a2b3c4d.so.6 (da_cxx_feature@GLIBCXX_3.4.30) but manylinux_2_17_x86_64 allows GLIBCXX ≤ 3.4.19');
});

test('elf.symbol-version-too-new: an untagged glibc (manylinux_2_30) is judged with its own ceiling', () => {
  const f = one(findings(elfRule, { 'demo/_new.so': 'ext-new.so' }, [manylinux('2.30')], 'elf.symbol-version-too-new'));
  assert.match(f.message, /but manylinux_2_30_x86_64 allows GLIBC ≤ 2\.30$/);
  assert.match(String(f.evidence.policyNote), /judged by manylinux_2_28_x86_64 with GLIBC versions up to 2\.30/);
});

test('elf.blacklisted-symbol: __cxa_thread_atexit_impl from libc.so.6 under manylinux_2_17, even where its version is allowed (aarch64)', () => {
  const f = one(findings(elfRule, { 'demo/_bl.so': 'ext-blacklist-aarch64.so' }, [manylinux('2.17', 'arm64', 'manylinux2014_aarch64')]));
  assert.equal(f.check, 'elf.blacklisted-symbol');
  assert.equal(f.message, 'demo/_bl.so uses __cxa_thread_atexit_impl from libc.so.6, which manylinux2014_aarch64 blacklists');
  assert.deepEqual(f.evidence, { library: 'libc.so.6', symbols: ['__cxa_thread_atexit_impl'], policy: 'manylinux_2_17_aarch64' });

  const x86 = findings(elfRule, { 'demo/_bl.so': 'ext-blacklist.so' }, [M217]);
  assert.deepEqual(x86.map((x) => x.check).sort(), ['elf.blacklisted-symbol', 'elf.symbol-version-too-new']);
  assert.match(x86.find((x) => x.check === 'elf.symbol-version-too-new')!.message, /\(__cxa_thread_atexit_impl@GLIBC_2\.18\)/);
});

test('elf.blacklisted-symbol: a weak reference, or a policy without that blacklist, passes', () => {
  assert.deepEqual(findings(elfRule, { 'demo/_blw.so': 'ext-blacklist-weak.so' }, [M217], 'elf.blacklisted-symbol'), []);
  assert.deepEqual(findings(elfRule, { 'demo/_bl.so': 'ext-blacklist.so' }, [manylinux('2.24')]), []);
});

test('elf.executable-stack: PT_GNU_STACK RWE is an error on glibc targets and a warning on musl ones', () => {
  const list = findings(elfRule, { 'demo/_plain.so': 'ext-execstack.so' }, [M217, MUSL], 'elf.executable-stack');
  assert.equal(list.length, 2);
  const [glibc, musl] = list as [(typeof list)[0], (typeof list)[0]];
  assert.equal(glibc.severity, 'error');
  assert.equal(
    glibc.message,
    'demo/_plain.so has an executable stack (PT_GNU_STACK RWE): glibc ≥ 2.41 refuses to load it ("cannot enable executable stack as shared object requires: Invalid argument") on manylinux_2_17_x86_64',
  );
  assert.deepEqual(glibc.targets, [M217.id]);
  assert.deepEqual(glibc.evidence, { gnuStack: 'RWE', arch: 'x86_64', executable: false });
  assert.equal(musl.severity, 'warning');
  assert.deepEqual(musl.targets, [MUSL.id]);
});

test('elf.executable-stack: no PT_GNU_STACK on x86_64 means an executable stack to glibc; the noexecstack twin passes', () => {
  const f = one(findings(elfRule, { 'demo/_plain.so': 'ext-nognustack.so' }, [M217], 'elf.executable-stack'));
  assert.match(f.message, /^demo\/_plain\.so has no PT_GNU_STACK, so glibc gives it x86_64's default, an executable stack: glibc ≥ 2\.41 refuses/);
  assert.deepEqual(f.evidence, { gnuStack: null, arch: 'x86_64', executable: false });
  assert.deepEqual(findings(elfRule, { 'demo/_plain.so': 'ext-nognustack.so' }, [MUSL], 'elf.executable-stack'), []);
  assert.deepEqual(findings(elfRule, { 'demo/_plain.so': 'ext-plain.so' }, [M217, MUSL], 'elf.executable-stack'), []);
});

test('elf.executable-stack: a program (not a library) with an executable stack is a warning', () => {
  const f = one(findings(elfRule, { 'demo-1.0.data/scripts/tool': 'prog-execstack' }, [M217], 'elf.executable-stack'));
  assert.equal(f.severity, 'warning');
  assert.equal(f.message, 'demo-1.0.data/scripts/tool has an executable stack (PT_GNU_STACK RWE): every thread stack of the program is executable on manylinux_2_17_x86_64 (no protection against stack code injection)');
  assert.equal(f.evidence.executable, true);
});

test('binaries of another architecture are left to binary.arch-mismatch', () => {
  assert.deepEqual(findings(elfRule, { 'demo/_new.so': 'ext-new.so', 'demo/_plain.so': 'ext-aarch64.so' }, [M236]), []);
});
