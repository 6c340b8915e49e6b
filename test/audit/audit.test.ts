/**
 * The audit pipeline end to end: what it does with unknown kinds, malformed
 * binaries and failing rules; verdicts per target; every output format; and
 * reports that validate against the published JSON Schema.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { auditFile } from '../../src/audit/audit.ts';
import type { Check, Rule } from '../../src/audit/types.ts';
import { RULES } from '../../src/rules/index.ts';
import { render } from '../../src/report/render.ts';
import type { Report } from '../../src/report/schema.ts';
import { buildWheel, type WheelSpec } from '../support/wheel-builder.ts';
import { repoRoot } from '../support/fixture-builder.ts';
import { elfFixtures } from '../fixtures/elf.ts';

const dir = mkdtempSync(join(tmpdir(), 'distaudit-audit-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function wheelFile(spec: WheelSpec): string {
  const w = buildWheel(spec);
  const path = join(dir, w.filename);
  writeFileSync(path, w.bytes);
  return path;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
const validate = ajv.compile(JSON.parse(readFileSync(join(repoRoot, 'docs/report.schema.json'), 'utf8')));

function assertValid(r: Report): void {
  const ok = validate(JSON.parse(JSON.stringify(r)));
  assert.ok(ok, JSON.stringify(validate.errors, null, 2));
}

const glibcSo = () => readFileSync(elfFixtures()['glibc-x86_64.so']!);

test('a file of a kind distaudit does not audit gets artifact.unsupported-kind and a fail', async () => {
  const path = join(dir, 'sources.tar.bz2');
  writeFileSync(path, 'BZh91AY&SY');
  const r = await auditFile(path);
  assert.deepEqual(r.findings.map((f) => f.check), ['artifact.unsupported-kind']);
  assert.equal(r.artifact.kind, null);
  assert.equal(r.overall.verdict, 'fail');
  assertValid(r);
});

test('an entry that starts like ELF but is cut off is binary.unparsable, with the reason', async () => {
  const path = wheelFile({ tag: 'cp311-cp311-manylinux_2_17_x86_64', files: { 'demo/__init__.py': '', 'demo/_x.cpython-311-x86_64-linux-gnu.so': glibcSo().subarray(0, 40) } });
  const r = await auditFile(path);
  const f = r.findings.find((x) => x.check === 'binary.unparsable');
  assert.ok(f, JSON.stringify(r.findings.map((x) => x.check)));
  assert.equal(f.file, 'demo/_x.cpython-311-x86_64-linux-gnu.so');
  assert.match(f.message, /too short for the 64-byte ELF64 header \(offset 0x0\)/);
  assertValid(r);
});

test('a rule that throws is reported as audit.internal-error and the other rules still run', async () => {
  const boom: Rule = { name: 'boom', kinds: ['wheel'], checks: [], run: () => { throw new Error('kaboom'); } };
  const NOTE: Check = { id: 'test.note', severity: 'info', title: 'A note for the test', explain: 'x'.repeat(50), fix: 'nothing' };
  const note: Rule = { name: 'note', kinds: ['wheel'], checks: [NOTE], run: (ctx) => ctx.report(NOTE, { message: 'still ran' }) };
  const r = await auditFile(wheelFile({ tag: 'py3-none-any', purelib: true, files: { 'demo/__init__.py': '' } }), { rules: [boom, note] });
  assert.deepEqual(r.findings.map((f) => [f.check, f.message]), [
    ['audit.internal-error', 'rule boom failed: kaboom'],
    ['test.note', 'still ran'],
  ]);
  assert.equal(r.overall.verdict, 'fail');
});

/** A test rule that fails the aarch64 target only. */
const ONLY_ARM: Check = { id: 'test.arm-only', severity: 'error', title: 'Fails aarch64 only', explain: 'x'.repeat(50), fix: 'nothing' };
const armOnly: Rule = {
  name: 'arm-only',
  kinds: ['wheel'],
  checks: [ONLY_ARM],
  run: (ctx) => ctx.report(ONLY_ARM, { message: 'arm fails', targets: ctx.targets.filter((t) => t.arch === 'arm64').map((t) => t.id) }),
};

test('verdicts are per target: a finding about one target fails only that one', async () => {
  const path = wheelFile({ tag: 'cp311-cp311-manylinux_2_17_x86_64.manylinux_2_17_aarch64', files: { 'demo/__init__.py': '' } });
  const r = await auditFile(path, { rules: [armOnly] });
  assert.deepEqual(
    r.verdicts.map((v) => [v.target, v.verdict]),
    [
      ['linux-x86_64-glibc2.17', 'pass'],
      ['linux-arm64-glibc2.17', 'fail'],
    ],
  );
  assert.equal(r.overall.verdict, 'fail');
  assertValid(r);
});

test('a real audit report (all rules, a native binary) validates against docs/report.schema.json', async () => {
  const r = await auditFile(wheelFile({ tag: 'cp311-cp311-manylinux_2_17_x86_64', files: { 'demo/__init__.py': '', 'demo/_x.cpython-311-x86_64-linux-gnu.so': glibcSo() } }));
  assert.equal(r.binaries.length, 1);
  assert.equal(r.binaries[0]!.facts[0]!.arch, 'x86_64');
  assert.deepEqual(r.wheel?.tags, ['cp311-cp311-manylinux_2_17_x86_64']);
  assert.ok(r.checksRun.length >= RULES.reduce((n, rule) => n + (rule.kinds.includes('wheel') ? rule.checks.length : 0), 0));
  assertValid(r);
});

test('every output format carries the verdict, the targets and the findings', async () => {
  const r = await auditFile(wheelFile({ tag: 'cp311-cp311-manylinux_2_17_x86_64.manylinux_2_17_aarch64', files: { 'demo/__init__.py': '' } }), { rules: [armOnly] });
  const checks = [ONLY_ARM];

  const text = render([r], 'text', checks);
  assert.match(text, /^demo-1\.0-.*\.whl: FAIL \(1 error, 0 warnings\)/);
  assert.match(text, /FAIL {2}linux-arm64-glibc2\.17 +manylinux_2_17_aarch64/);
  assert.match(text, /\[test\.arm-only\] arm fails\n {6}fix: nothing/);

  const md = render([r], 'markdown', checks);
  assert.match(md, /^## distaudit: `demo-1\.0-.*\.whl` — ❌ fail/);
  assert.match(md, /\| `linux-x86_64-glibc2\.17` \| manylinux_2_17_x86_64 \| ✅ pass \| 0 \| 0 \|/);
  assert.match(md, /\| ❌ error \| `test\.arm-only` \| {2}\| arm fails \|/);

  const sarif = JSON.parse(render([r], 'sarif', checks)) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; level: string; ruleIndex: number }[] }[] };
  assert.equal(sarif.version, '2.1.0');
  assert.deepEqual(sarif.runs[0]!.tool.driver.rules.map((x) => x.id), ['test.arm-only']);
  assert.deepEqual(sarif.runs[0]!.results.map((x) => [x.ruleId, x.level, x.ruleIndex]), [['test.arm-only', 'error', 0]]);

  const junit = render([r], 'junit', checks);
  assert.match(junit, /<testsuite name="demo-1\.0-[^"]+ linux-x86_64-glibc2\.17" tests="1" failures="0"/);
  assert.match(junit, /<testsuite name="demo-1\.0-[^"]+ linux-arm64-glibc2\.17" tests="1" failures="1"/);
  assert.match(junit, /<failure type="test\.arm-only" message="arm fails">/);

  const json = JSON.parse(render([r, r], 'json', checks)) as Report[];
  assert.equal(json.length, 2);
  const twoRuns = JSON.parse(render([r, r], 'sarif', checks)) as { runs: unknown[] };
  assert.equal(twoRuns.runs.length, 2);
});

test('the JUnit output escapes what XML cannot carry', async () => {
  const EVIL: Check = { id: 'test.evil', severity: 'error', title: 'Evil', explain: 'x'.repeat(50), fix: 'a < b & "c"' };
  const evil: Rule = { name: 'evil', kinds: ['wheel'], checks: [EVIL], run: (ctx) => ctx.report(EVIL, { message: 'name <script>&\u0001' }) };
  const r = await auditFile(wheelFile({ tag: 'py3-none-any', purelib: true, files: { 'demo/__init__.py': '' } }), { rules: [evil] });
  const junit = render([r], 'junit', [EVIL]);
  assert.match(junit, /message="name &lt;script&gt;&amp;"/);
  assert.ok(!junit.includes('\u0001'), 'control characters are dropped');
});
