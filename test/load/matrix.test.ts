/**
 * The load matrix, for real: every load-matrix artifact (test/fixtures/
 * load-artifacts.ts) audited, then loaded by the runner in the five real
 * images through the bubblewrap driver, and every expected outcome asserted:
 * passed where the artifact works, failed with the loader's class and the
 * predicting finding where it does not, a surprise where no finding predicts
 * it, not-run (never passed) where no image stands for the target.
 *
 * The images are built on first use (minutes; cached after) — see
 * test/load/images.test.ts for their facts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { auditFile } from '../../src/audit/audit.ts';
import { hostLoader } from '../../src/load/host.ts';
import { withLoads } from '../../src/load/report.ts';
import type { LoadOutcome } from '../../src/load/schema.ts';
import { loadArtifactFixtures } from '../fixtures/load-artifacts.ts';
import { repoRoot } from '../support/fixture-builder.ts';

const loader = hostLoader();
const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(join(repoRoot, 'docs/report.schema.json'), 'utf8')));
const show = (os: readonly LoadOutcome[]) => os.map((o) => `  ${o.binary} @ ${o.image} [${o.target}] ${o.status} ${o.class ?? ''} ${o.predictedBy ?? ''}: ${o.reason}`).join('\n');

for (const a of loadArtifactFixtures()) {
  test(`${a.name}: loads in the images as expected, linked to the static findings`, { timeout: 40 * 60_000 }, async () => {
    const report = await auditFile(a.file);
    const loads = await loader.run(a.file, report);
    const merged = withLoads(report, loads);
    assert.ok(validate(merged), JSON.stringify(validate.errors));
    const all = show(loads.outcomes);

    for (const row of a.loads) {
      const got = loads.outcomes.filter((o) => o.binary === row.binary && o.image === row.image);
      const where = `${row.binary} @ ${row.image}`;
      if (row.status === 'not-run') {
        // Not planned at all (no target on that platform) or planned as not-run: never run, never passed.
        assert.ok(got.every((o) => o.status === 'not-run'), `${where} must not run; outcomes:\n${all}`);
        if (row.reasonIncludes) assert.ok(got.some((o) => o.reason.includes(row.reasonIncludes!)), `${where}: a not-run reason naming ${row.reasonIncludes}; outcomes:\n${all}`);
        continue;
      }
      assert.ok(got.length > 0, `${where} was not loaded; outcomes:\n${all}`);
      for (const o of got) {
        assert.equal(o.status, row.status, `${where}; outcomes:\n${all}`);
        if (row.class) assert.equal(o.class, row.class, `${where}: ${o.output}`);
        if (row.predictedBy !== undefined) {
          assert.equal(o.predictedBy, row.predictedBy, `${where}: linked finding`);
          assert.equal(o.surprise, row.predictedBy === null, `${where}: surprise flag`);
        }
        if (o.status !== 'passed') {
          assert.ok(o.output.length > 0, `${where}: the loader's own words are kept`);
          assert.ok(merged.findings.some((f) => f.check.startsWith('load.') && f.file === o.binary && f.targets.includes(o.target)), `${where}: a load finding`);
        }
      }
    }
    // Binaries without rows (bundled libraries, loaded directly with dlopen) load cleanly or are not run.
    const rowed = new Set(a.loads.map((l) => l.binary));
    for (const o of loads.outcomes.filter((x) => !rowed.has(x.binary))) assert.ok(o.status === 'passed' || o.status === 'not-run', `${o.binary} @ ${o.image}: ${o.reason}`);
    // A clean artifact stays clean with its loads; a failed load fails its target (a surprise fails a statically clean one).
    if (a.loads.every((l) => l.status === 'passed' || l.status === 'not-run')) assert.equal(merged.overall.verdict, report.overall.verdict, all);
    for (const o of loads.outcomes.filter((x) => x.status === 'failed')) assert.equal(merged.verdicts.find((v) => v.target === o.target)?.verdict, 'fail');
  });
}
