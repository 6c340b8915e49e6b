/**
 * Real artifacts from the corpus, loaded in the images of the targets they
 * claim, with the static and the load verdicts side by side (printed as a
 * table in the test output). The corpus notes one fact about loading:
 * @jazzer.js/fuzzer 4.0.0's Linux x64 prebuild fails on Debian 12 with
 * ``version `GLIBC_2.38' not found`` — so it must fail on bullseye and
 * bookworm with that version, linked to the elf.symbol-version-too-new
 * finding that names it, and load on trixie (glibc 2.41).
 *
 * Every other failed load must be predicted by a static finding: a surprise
 * here is a gap in the static audit, found on real-world bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditFile } from '../src/audit/audit.ts';
import { hostLoader } from '../src/load/host.ts';
import { withLoads } from '../src/load/report.ts';
import { loadTally } from '../src/load/summary.ts';
import { fetchNpm, npmCorpus } from './support/corpus.ts';

const loader = hostLoader();
const linux = npmCorpus().filter((a) => a.binaries.some((b) => b.format === 'elf'));

test('corpus artifacts load (or fail, predicted) in the images of the targets they claim', { timeout: 60 * 60_000 }, async (t) => {
  const rows: string[] = [];
  const surprises: string[] = [];
  for (const a of linux) {
    const file = fetchNpm(a);
    const report = await auditFile(file, { fileName: `${a.spec.replace(/[@/]/g, '_')}.tgz` });
    const loads = await loader.run(file, report);
    const merged = withLoads(report, loads);
    rows.push(`${a.spec.padEnd(40)} static ${report.overall.verdict.padEnd(4)} → with loads ${merged.overall.verdict.padEnd(4)}  (${loadTally(loads.outcomes)})`);
    for (const o of loads.outcomes.filter((x) => x.surprise)) surprises.push(`${a.spec}: ${o.binary} @ ${o.image}: ${o.reason}`);

    if (a.spec === '@jazzer.js/fuzzer@4.0.0') {
      const x64 = loads.outcomes.filter((o) => o.binary === 'package/prebuilds/fuzzer-linux-x64.node');
      for (const image of ['debian-bullseye-amd64', 'debian-bookworm-amd64']) {
        const o = x64.find((x) => x.image === image);
        assert.ok(o, `jazzer x64 loaded on ${image}`);
        assert.equal(o.status, 'failed', `${image}: ${o.reason}`);
        assert.equal(o.class, 'symbol-version');
        assert.match(o.output, /version `GLIBC_2\.38' not found/);
        assert.equal(o.predictedBy, 'elf.symbol-version-too-new');
        const finding = merged.findings.find((f) => f.check === 'elf.symbol-version-too-new' && f.file === o.binary && f.message.includes('GLIBC_2.38'));
        assert.ok(finding, 'the static finding names GLIBC_2.38');
      }
      const trixie = x64.find((x) => x.image === 'debian-trixie-amd64');
      assert.equal(trixie?.status, 'passed', trixie?.reason);
    }
  }
  t.diagnostic(`static and load verdicts side by side:\n${rows.join('\n')}`);
  assert.deepEqual(surprises, [], 'every failed load of a corpus artifact is predicted by a static finding');
});
