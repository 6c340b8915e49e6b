/**
 * Dependency closure (src/rules/linux/deps.ts): missing libraries with the
 * chain that needs them, libpython linkage, RPATH/RUNPATH entries that leave
 * the wheel — each on a fixture that has the defect and a clean twin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { depsRule } from '../../src/rules/linux/deps.ts';
import { findings, linuxPlain, manylinux, musllinux, one } from './linux-helpers.ts';

const M217 = manylinux('2.17');
const MISSING = 'deps.missing-library';

const CHAIN_OK = { 'demo/_chain.so': 'chain-runpath.so', 'demo.libs/libfoo.so.1': 'libfoo.so.1', 'demo.libs/libbar.so.2': 'libbar.so.2' };

test('deps.missing-library: a complete bundled chain with RUNPATH $ORIGIN at each step passes', () => {
  assert.deepEqual(findings(depsRule, CHAIN_OK, [M217, musllinux('1.2')]), []);
});

test('deps.missing-library: a bundled library missing from the wheel is named with the chain that needs it', () => {
  const f = one(findings(depsRule, { 'demo/_chain.so': 'chain-runpath.so', 'demo.libs/libfoo.so.1': 'libfoo.so.1' }, [M217], MISSING));
  assert.equal(f.severity, 'error');
  assert.equal(
    f.message,
    'demo/_chain.so → libfoo.so.1 (demo.libs/libfoo.so.1) → libbar.so.2: not in the wheel and not a library manylinux_2_17_x86_64 provides ("libbar.so.2: cannot open shared object file: No such file or directory")',
  );
  assert.equal(f.file, 'demo.libs/libfoo.so.1');
  assert.deepEqual(f.targets, [M217.id]);
  assert.equal(f.evidence.library, 'libbar.so.2');
  assert.deepEqual(f.evidence.chain, ['demo/_chain.so', 'demo.libs/libfoo.so.1']);
  assert.deepEqual(f.evidence.roots, ['demo/_chain.so']);
  assert.equal(f.evidence.verdict, 'missing');
  assert.deepEqual(f.evidence.bundledAt, []);
});

test('deps.missing-library: no RPATH/RUNPATH at all leaves a bundled library unreachable', () => {
  const f = one(findings(depsRule, { 'demo/_chain.so': 'chain-nopath.so', 'demo.libs/libfoo.so.1': 'libfoo.so.1', 'demo.libs/libbar.so.2': 'libbar.so.2' }, [M217], MISSING));
  assert.equal(f.message, 'demo/_chain.so → libfoo.so.1: bundled as demo.libs/libfoo.so.1 but not on demo/_chain.so\'s search path ("libfoo.so.1: cannot open shared object file: No such file or directory")');
  assert.equal(f.evidence.verdict, 'unreachable');
  assert.deepEqual(f.evidence.bundledAt, ['demo.libs/libfoo.so.1']);
  assert.match(f.hint, /\$ORIGIN\/\.\.\/demo\.libs/);
});

test('deps.missing-library: the extension\'s RUNPATH does not serve libfoo\'s own needs (auditwheel show passes this wheel)', () => {
  const files = { 'demo/_chain.so': 'chain-runpath.so', 'demo.libs/libfoo.so.1': 'libfoo-bare.so.1', 'demo.libs/libbar.so.2': 'libbar.so.2' };
  const f = one(findings(depsRule, files, [M217, linuxPlain()], MISSING));
  assert.equal(
    f.message,
    'demo/_chain.so → libfoo.so.1 (demo.libs/libfoo.so.1) → libbar.so.2: bundled as demo.libs/libbar.so.2 but not on demo.libs/libfoo.so.1\'s search path: the RUNPATH of demo/_chain.so reaches it but does not apply to the libraries demo/_chain.so loads ("libbar.so.2: cannot open shared object file: No such file or directory")',
  );
  assert.deepEqual(f.targets, [M217.id, linuxPlain().id], 'a bundled but unreachable library fails whatever the tag');
  assert.match(f.hint, /DT_RPATH \(--disable-new-dtags\)/);
  // A DT_RPATH is inherited; musl inherits RUNPATH too: both twins pass.
  assert.deepEqual(findings(depsRule, { ...files, 'demo/_chain.so': 'chain-rpath.so' }, [M217], MISSING), []);
  assert.deepEqual(findings(depsRule, files, [musllinux('1.2')], MISSING), []);
});

test('deps.missing-library: a system library outside the allowlist; libraries the policy allows pass', () => {
  // libfoo.so is not bundled: ext-dev.so needs it from the system.
  const f = one(findings(depsRule, { 'demo/_dev.so': 'ext-dev.so' }, [M217], MISSING));
  assert.match(f.message, /^demo\/_dev\.so → libfoo\.so: not in the wheel and not a library manylinux_2_17_x86_64 provides/);
  // libstdc++.so.6, libm.so.6, libgcc_s.so.1, libc.so.6: all allowed.
  assert.deepEqual(findings(depsRule, { 'demo/_cxx.so': 'ext-cxx.so' }, [M217]), []);
  // No policy, no promise: linux_x86_64 does not judge system libraries.
  assert.deepEqual(findings(depsRule, { 'demo/_dev.so': 'ext-dev.so' }, [linuxPlain()], MISSING), []);
});

test('deps.missing-library: musl targets get musl\'s own names (libc.musl-*, libc.so) for free', () => {
  assert.deepEqual(findings(depsRule, { 'demo/_old.so': 'ext-musl.so' }, [musllinux('1.2')]), []);
  assert.deepEqual(findings(depsRule, { 'demo/_old.so': 'ext-musl-libc.so' }, [musllinux('1.1')]), []);
});

test('deps.libpython-linked: NEEDED libpython3.11.so.1.0 is an error, not also a missing library', () => {
  const list = findings(depsRule, { 'demo/_embed.cpython-312-x86_64-linux-gnu.so': 'ext-embed.so' }, [{ ...M217, python: { interpreters: ['cp312'], abi: 'cp312', minimum: null } }]);
  const f = one(list);
  assert.equal(f.check, 'deps.libpython-linked');
  assert.equal(
    f.message,
    'demo/_embed.cpython-312-x86_64-linux-gnu.so needs libpython3.11.so.1.0: statically linked interpreters have no libpython3.11.so.1.0 to load (manylinux_2_17_x86_64 forbids linking libpython), and it is CPython 3.11\'s library in a wheel for cp312',
  );
  assert.deepEqual(f.evidence, { library: 'libpython3.11.so.1.0', pythonVersion: '3.11', wheelInterpreters: ['cp312'] });
  assert.deepEqual(findings(depsRule, { 'demo/_plain.so': 'ext-plain.so' }, [M217], 'deps.libpython-linked'), []);
});

test('deps.non-portable-rpath: an absolute build directory in RUNPATH; $ORIGIN-only twins pass', () => {
  const files = { ...CHAIN_OK, 'demo/_chain.so': 'chain-abs-rpath.so' };
  const f = one(findings(depsRule, files, [M217]));
  assert.equal(f.check, 'deps.non-portable-rpath');
  assert.equal(f.severity, 'warning');
  assert.equal(f.message, 'demo/_chain.so has RUNPATH /home/runner/work/demo/build/lib (an absolute path of the build machine)');
  assert.deepEqual(f.evidence.entries, [{ tag: 'RUNPATH', entry: '/home/runner/work/demo/build/lib', why: 'an absolute path of the build machine' }]);
  assert.deepEqual(findings(depsRule, CHAIN_OK, [M217], 'deps.non-portable-rpath'), []);
});

test('deps.missing-library: a library expected from another distribution through $ORIGIN/../other is a warning', () => {
  // demo/_chain.so has RUNPATH $ORIGIN/../demo.libs; placed in other/, that points to site-packages/demo.libs,
  // a directory this wheel does not populate (another distribution's).
  const f = one(findings(depsRule, { 'other/_chain.so': 'chain-runpath.so' }, [M217], MISSING));
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.verdict, 'other-package');
  assert.equal(f.message, 'other/_chain.so → libfoo.so.1: not in the wheel; expected from another distribution through RUNPATH $ORIGIN/../demo.libs of other/_chain.so on manylinux_2_17_x86_64');
});
