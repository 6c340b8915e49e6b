/**
 * The load runner against libraries that crash and hang when loaded: a
 * wheel shipping a ctypes library (loaded by the raw dlopen probe) whose
 * constructor writes through a null pointer, and one whose constructor spins
 * forever. Each becomes its load.* finding, fails its target, and — since no
 * static check can see a constructor's behaviour — is flagged a surprise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditFile } from '../../src/audit/audit.ts';
import { BwrapDriver } from '../../src/load/drivers/bwrap.ts';
import { hostImages } from '../../src/load/host.ts';
import { withLoads } from '../../src/load/report.ts';
import { runLoads } from '../../src/load/run.ts';
import { DEFAULT_LIMITS } from '../../src/load/types.ts';
import { buildWheel } from '../support/wheel-builder.ts';
import { loadFixtures } from '../fixtures/load-hostile.ts';

const fx = loadFixtures();
const dir = mkdtempSync(join(tmpdir(), 'load-run-'));

async function loadWheelWith(lib: string, timeoutMs: number) {
  const w = buildWheel({ name: 'hostile', tag: 'py3-none-manylinux_2_17_x86_64', files: { 'hostile/__init__.py': '', 'hostile/libhostile.so': readFileSync(lib) } });
  const file = join(dir, w.filename);
  writeFileSync(file, w.bytes);
  const report = await auditFile(file);
  const loads = await runLoads(file, report, {
    driver: new BwrapDriver(),
    images: hostImages(['debian-bookworm-amd64']),
    limits: { ...DEFAULT_LIMITS, timeoutMs },
  });
  return { report, loads, merged: withLoads(report, loads) };
}

test('a library whose constructor crashes: crashed by SIGSEGV, a load.crashed finding, a surprise', { timeout: 20 * 60_000 }, async () => {
  const { report, loads, merged } = await loadWheelWith(fx['hostile-segv.so'], 30_000);
  assert.equal(report.overall.verdict, 'pass', 'nothing static gives a constructor away');
  assert.equal(loads.outcomes.length, 1);
  const o = loads.outcomes[0]!;
  assert.deepEqual([o.probe, o.status, o.class, o.surprise, o.predictedBy], ['dlopen', 'crashed', 'crash', true, null]);
  assert.match(o.reason, /SIGSEGV/);
  const f = merged.findings.find((x) => x.check === 'load.crashed');
  assert.ok(f, JSON.stringify(merged.findings));
  assert.match(f.message, /crashes when loaded on Debian 12 \(bookworm\) amd64.*no static finding predicted this/);
  assert.equal(merged.overall.verdict, 'fail');
});

test('a library whose constructor spins: killed by the watchdog, a load.timed-out finding', { timeout: 20 * 60_000 }, async () => {
  const started = performance.now();
  const { loads, merged } = await loadWheelWith(fx['hostile-spin.so'], 2_000);
  const o = loads.outcomes[0]!;
  assert.deepEqual([o.status, o.class], ['timed-out', 'timeout']);
  assert.ok(o.durationMs! >= 2_000 && o.durationMs! < 5_000, `took ${o.durationMs} ms`);
  assert.ok(performance.now() - started < 60_000);
  assert.ok(merged.findings.some((x) => x.check === 'load.timed-out' && x.targets.includes(o.target)));
  assert.equal(merged.overall.verdict, 'fail');
});
