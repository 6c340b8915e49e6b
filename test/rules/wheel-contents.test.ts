/**
 * wheel.purelib-with-binaries, wheel.junk-file, wheel.duplicate-file and
 * wheel.empty on built wheels with real extension-module bytes, each beside a
 * clean twin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildWheel } from '../support/wheel-builder.ts';
import { DUPLICATE_FILE, EMPTY_WHEEL, JUNK_FILE, PURELIB_WITH_BINARIES, wheelContentsRule } from '../../src/rules/wheel/contents.ts';
import { wheelFixtures } from '../fixtures/wheel.ts';
import { runWheelRule } from './wheel-context.ts';

const fx = wheelFixtures();
const EXT = readFileSync(fx['ext-x86_64-glibc.so']);
const SO = 'demo/_ext.cpython-311-x86_64-linux-gnu.so';
const TAG = 'cp311-cp311-manylinux_2_17_x86_64';
const base = { 'demo/__init__.py': '', 'demo/core.py': 'from ._ext import *\n', [SO]: EXT };

test('clean twin: a platlib wheel with one extension and no junk', async () => {
  assert.deepEqual(await runWheelRule(wheelContentsRule, buildWheel({ tag: TAG, files: base })), []);
});

test('Root-Is-Purelib: true with an extension module inside', async () => {
  const findings = await runWheelRule(wheelContentsRule, buildWheel({ tag: TAG, files: base, purelib: true }));
  assert.deepEqual(findings.map((f) => f.check), [PURELIB_WITH_BINARIES.id]);
  const f = findings[0]!;
  assert.equal(f.severity, 'error');
  assert.equal(f.file, SO);
  assert.equal(f.message, `1 native binary installed to purelib (WHEEL says Root-Is-Purelib: true): ${SO}`);
  assert.deepEqual(f.evidence, { rootIsPurelib: true, binaries: [SO], underDataPurelib: [], atRoot: [SO] });
  assert.match(f.hint, /Root-Is-Purelib: false/);
});

test('a library under *.data/purelib/ of a platlib wheel (auditwheel\'s hard error)', async () => {
  const lib = 'demo-1.0.data/purelib/demo/libhelper.so';
  const findings = await runWheelRule(wheelContentsRule, buildWheel({ tag: TAG, files: { 'demo/__init__.py': '', [lib]: EXT } }));
  assert.deepEqual(findings.map((f) => [f.check, f.message, f.evidence.underDataPurelib]), [
    [PURELIB_WITH_BINARIES.id, `1 native binary installed to purelib (under *.data/purelib/): ${lib}`, [lib]],
  ]);
  // The same library under *.data/platlib/ is fine.
  const ok = await runWheelRule(wheelContentsRule, buildWheel({ tag: TAG, files: { 'demo/__init__.py': '', 'demo-1.0.data/platlib/demo/libhelper.so': EXT } }));
  assert.deepEqual(ok, []);
});

test('junk: bytecode, .DS_Store, .git/, top-level tests/ and build/ — one finding per kind', async () => {
  const files = {
    ...base,
    'demo/__pycache__/core.cpython-311.pyc': 'bytecode',
    'demo/old.pyc': 'bytecode2',
    'demo/.DS_Store': 'mac',
    'demo/.git/HEAD': 'ref: refs/heads/main\n',
    'tests/test_core.py': 'def test(): pass\n',
    'tests/conftest.py': '# conftest\n',
    'demo-1.0.data/purelib/build/lib/x.py': 'y = 2\n',
  };
  const findings = await runWheelRule(wheelContentsRule, buildWheel({ tag: TAG, files }));
  assert.ok(findings.every((f) => f.check === JUNK_FILE.id && f.severity === 'warning'));
  assert.deepEqual(
    findings.map((f) => [f.message, f.evidence.kind, f.evidence.count]),
    [
      ['2 compiled bytecode files: demo/__pycache__/core.cpython-311.pyc, demo/old.pyc', 'bytecode', 2],
      ['1 OS metadata file: demo/.DS_Store', 'os-metadata', 1],
      ['1 version-control file in .git/ directory: demo/.git/HEAD', 'vcs', 1],
      ["2 files in top-level tests/ (installs as a package named 'tests'): tests/test_core.py, tests/conftest.py", 'top-level', 2],
      ["1 file in top-level build/ (installs as a package named 'build'): demo-1.0.data/purelib/build/lib/x.py", 'top-level', 1],
    ],
  );
  assert.equal(findings[0]!.file, 'demo/__pycache__/core.cpython-311.pyc');
});

test('not junk: tests inside the package, docs under .data/data, licenses in .dist-info', async () => {
  const files = { ...base, 'demo/tests/test_core.py': 'x\n', 'demo-1.0.data/data/share/doc/demo/README': 'r\n', 'demo-1.0.dist-info/licenses/docs/LICENSE': 'MIT\n' };
  assert.deepEqual(await runWheelRule(wheelContentsRule, buildWheel({ tag: TAG, files })), []);
});

test('duplicate: the same extension shipped twice (a packaged build/ directory)', async () => {
  const dup = 'demo/_ext_copy.so';
  const findings = await runWheelRule(wheelContentsRule, buildWheel({ tag: TAG, files: { ...base, [dup]: EXT } }));
  assert.deepEqual(findings.map((f) => f.check), [DUPLICATE_FILE.id]);
  const f = findings[0]!;
  assert.equal(f.severity, 'warning');
  assert.equal(f.message, `2 identical copies (${EXT.length} bytes each): ${SO}, ${dup}`);
  assert.deepEqual(f.evidence.paths, [SO, dup]);
  assert.equal(f.evidence.wastedBytes, EXT.length);
});

test('not duplicates: empty files, identical __init__.py / py.typed markers, .dist-info copies', async () => {
  const files = {
    ...base,
    'demo/sub/__init__.py': '',
    'demo/a/__init__.py': '# pkg\n',
    'demo/b/__init__.py': '# pkg\n',
    'demo/py.typed': 'partial\n',
    'demo/a/py.typed': 'partial\n',
    'demo/LICENSE': 'MIT\n',
    'demo-1.0.dist-info/licenses/LICENSE': 'MIT\n',
  };
  assert.deepEqual(await runWheelRule(wheelContentsRule, buildWheel({ tag: TAG, files })), []);
});

test('empty: nothing outside .dist-info', async () => {
  const findings = await runWheelRule(wheelContentsRule, buildWheel({ tag: 'py3-none-any', files: {} }));
  assert.deepEqual(findings.map((f) => [f.check, f.severity, f.message]), [[EMPTY_WHEEL.id, 'warning', 'demo-1.0-py3-none-any.whl contains only demo-1.0.dist-info: no module or data is installed']]);
  assert.deepEqual(await runWheelRule(wheelContentsRule, buildWheel({ tag: 'py3-none-any', files: { 'demo.py': 'x = 1\n' } })), []);
});

test('wheelContentsRule declares its checks under their stable ids, each tested above', () => {
  assert.deepEqual(wheelContentsRule.checks.map((c) => c.id), ['wheel.purelib-with-binaries', 'wheel.junk-file', 'wheel.duplicate-file', 'wheel.empty']);
});
