/**
 * The load-matrix artifacts (test/fixtures/load-artifacts.ts), audited
 * statically: each really has the defect its record says (the checks it
 * names are reported, on the binary whose load they predict), the clean ones
 * have no error finding, and every record is complete — one row per binary
 * the audit found and per image, in the report's own path spelling — so the
 * load runner's test can iterate the records as they are.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditFile } from '../../src/audit/audit.ts';
import type { Report } from '../../src/report/schema.ts';
import { IMAGES, LOAD_ARTIFACT_NAMES, loadArtifactFixtures, type LoadArtifactExpectation } from '../fixtures/load-artifacts.ts';

const fixtures = loadArtifactFixtures();

const reports = new Map<string, Promise<Report>>();
function reportOf(a: LoadArtifactExpectation): Promise<Report> {
  let r = reports.get(a.name);
  if (!r) {
    r = auditFile(a.file);
    reports.set(a.name, r);
  }
  return r;
}

const findingsText = (r: Report) => r.findings.map((f) => `  ${f.severity} ${f.check} (${f.file ?? '-'}): ${f.message}`).join('\n') || '  (none)';

test('there is one record per load artifact, in order', () => {
  assert.deepEqual(
    fixtures.map((a) => a.name),
    [...LOAD_ARTIFACT_NAMES],
  );
});

for (const a of fixtures) {
  test(`${a.name}: the static audit reports ${a.static.checks.length > 0 ? a.static.checks.join(', ') : 'no defect'}${a.static.verdict ? ` (verdict ${a.static.verdict})` : ''}`, async () => {
    const r = await reportOf(a);
    for (const check of a.static.checks) {
      assert.ok(
        r.findings.some((f) => f.check === check),
        `${a.name}: expected a ${check} finding; the audit reported:\n${findingsText(r)}`,
      );
    }
    if (a.static.verdict) assert.equal(r.overall.verdict, a.static.verdict, `${a.name}: findings:\n${findingsText(r)}`);
  });

  test(`${a.name}: its load rows cover every binary and every image once, as the report names the binaries`, async () => {
    const r = await reportOf(a);
    const found = r.binaries.map((b) => b.path);
    const rowBinaries = [...new Set(a.loads.map((l) => l.binary))];
    for (const b of rowBinaries) assert.ok(found.includes(b), `${a.name}: row binary ${b} is not among the report's binaries ${found.join(', ')}`);
    // A wheel's <dist>.libs/ holds dependencies only: they load through the extension that needs them.
    const loadable = found.filter((p) => !/^[^/]+\.libs\//.test(p));
    assert.deepEqual([...rowBinaries].sort(), [...loadable].sort(), `${a.name}: every loadable binary has rows`);
    for (const b of rowBinaries) {
      assert.deepEqual(
        a.loads.filter((l) => l.binary === b).map((l) => l.image),
        IMAGES,
        `${a.name}: ${b} has one row per image, in order`,
      );
    }
  });

  test(`${a.name}: each expected failure is predicted by a finding on that binary, or by none where it is a surprise`, async () => {
    const r = await reportOf(a);
    for (const l of a.loads) {
      if (l.status === 'passed' || l.status === 'not-run') {
        assert.equal(l.class, undefined, `${a.name}: a ${l.status} row has no failure class`);
        assert.equal(l.predictedBy, undefined, `${a.name}: a ${l.status} row has no prediction`);
        if (l.status === 'passed') assert.equal(l.reasonIncludes, undefined);
        continue;
      }
      assert.ok(l.class, `${a.name}: the ${l.status} row for ${l.binary} on ${l.image} names its class`);
      assert.notEqual(l.predictedBy, undefined, `${a.name}: the ${l.status} row for ${l.binary} on ${l.image} says what predicts it (null for nothing)`);
      const onBinary = r.findings.filter((f) => f.file === l.binary);
      if (l.predictedBy === null) {
        const serious = onBinary.filter((f) => f.severity !== 'info');
        assert.deepEqual(serious, [], `${a.name}: ${l.binary} is expected to surprise (no static check predicts its failure), yet the audit reports:\n${findingsText(r)}`);
      } else {
        assert.ok(
          onBinary.some((f) => f.check === l.predictedBy),
          `${a.name}: the ${l.class} failure of ${l.binary} on ${l.image} should be predicted by a ${l.predictedBy} finding on that file; the audit reported:\n${findingsText(r)}`,
        );
      }
    }
  });
}
