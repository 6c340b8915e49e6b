/**
 * wheel.filename-invalid, wheel.platform-tag-unknown and
 * wheel.platform-tag-rejected-by-pypi on built wheels, each beside a clean twin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWheel } from '../support/wheel-builder.ts';
import { FILENAME_INVALID, PLATFORM_TAG_REJECTED_BY_PYPI, PLATFORM_TAG_UNKNOWN, wheelFilenameRule } from '../../src/rules/wheel/filename.ts';
import { runWheelRule } from './wheel-context.ts';

const files = { 'demo/__init__.py': '' };

test('a filename with the wrong number of parts is invalid, and nothing else is judged', async () => {
  const w = buildWheel({ tag: 'py3-none-any', files });
  const findings = await runWheelRule(wheelFilenameRule, { filename: 'demo-1.0-any.whl', bytes: w.bytes });
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.check, FILENAME_INVALID.id);
  assert.equal(f.severity, 'error');
  assert.match(f.message, /^demo-1\.0-any\.whl: 'demo-1\.0-any\.whl' has 3 '-'-separated parts/);
  assert.deepEqual(f.evidence, { filename: 'demo-1.0-any.whl', part: 'parts', reason: f.evidence.reason });
  assert.deepEqual(f.targets, []);
  assert.match(f.hint, /Escape `-`/);
});

test('a version that is not PEP 440 is invalid, with the version hint', async () => {
  const w = buildWheel({ tag: 'py3-none-any', files, version: 'one' });
  const [f] = await runWheelRule(wheelFilenameRule, w);
  assert.equal(f?.check, FILENAME_INVALID.id);
  assert.equal(f?.evidence.part, 'version');
  assert.match(f!.message, /'one' is not a PEP 440 version/);
});

test('clean twin: valid names with known, PyPI-accepted tags give no finding', async () => {
  for (const tag of ['py3-none-any', 'cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64', 'cp38-abi3-macosx_10_9_universal2', 'cp312-cp312-win_amd64', 'cp312-cp312-musllinux_1_2_aarch64']) {
    assert.deepEqual(await runWheelRule(wheelFilenameRule, buildWheel({ tag, files })), [], tag);
  }
});

test('a misspelled platform tag is unknown (and not reported again as refused by PyPI)', async () => {
  const w = buildWheel({ tag: 'cp311-cp311-macosx_11_0_amd64', files });
  const findings = await runWheelRule(wheelFilenameRule, w);
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.check, PLATFORM_TAG_UNKNOWN.id);
  assert.equal(f.severity, 'warning');
  assert.equal(f.message, "platform tag macosx_11_0_amd64 in demo-1.0-cp311-cp311-macosx_11_0_amd64.whl: unknown macOS architecture 'amd64'; no target is checked for it, and PyPI refuses it");
  assert.deepEqual(f.evidence, { tag: 'macosx_11_0_amd64', reason: "unknown macOS architecture 'amd64'", pypiAccepts: false });
});

test('linux_x86_64 is refused by PyPI; the finding names the target it affects', async () => {
  const w = buildWheel({ tag: 'cp311-cp311-linux_x86_64', files });
  const [f, ...rest] = await runWheelRule(wheelFilenameRule, w);
  assert.equal(rest.length, 0);
  assert.equal(f?.check, PLATFORM_TAG_REJECTED_BY_PYPI.id);
  assert.equal(f?.severity, 'warning');
  assert.match(f!.message, /^platform tag linux_x86_64 in demo-1\.0-cp311-cp311-linux_x86_64\.whl: PyPI refuses linux_\* tags/);
  assert.deepEqual(f?.targets, ['linux-x86_64-glibc']);
  assert.match(f!.hint, /auditwheel repair demo-1\.0-cp311-cp311-linux_x86_64\.whl/);
});

test('macosx_11_2_arm64 is refused: the minor must be 0, and the hint gives the tag to use', async () => {
  const w = buildWheel({ tag: 'cp311-cp311-macosx_11_2_arm64', files });
  const [f] = await runWheelRule(wheelFilenameRule, w);
  assert.equal(f?.check, PLATFORM_TAG_REJECTED_BY_PYPI.id);
  assert.match(f!.message, /macosx_11_2_arm64 .*minor version must be 0 \(macosx_11_0_arm64\)/);
  assert.equal(f?.evidence.suggested, 'macosx_11_0_arm64');
  assert.deepEqual(f?.targets, ['macos-arm64-11.2']);
  assert.match(f!.hint, /MACOSX_DEPLOYMENT_TARGET=11\.0 .* macosx_12_0_arm64/);
  const [g] = await runWheelRule(wheelFilenameRule, buildWheel({ tag: 'cp311-cp311-macosx_15_1_arm64', files }));
  assert.match(g!.hint, /macosx_26_0_arm64/, 'after macOS 15 comes 26');
});

test('wheelFilenameRule declares its checks under their stable ids, each tested above', () => {
  assert.deepEqual(wheelFilenameRule.checks.map((c) => c.id), ['wheel.filename-invalid', 'wheel.platform-tag-unknown', 'wheel.platform-tag-rejected-by-pypi']);
});
