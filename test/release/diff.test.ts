/**
 * A release compared with the previous one (`distaudit release --previous`):
 * a platform the previous release covered and this one lacks is an error, a
 * raised glibc floor a warning; the same release compared with itself has
 * neither. The service's releases use the same comparison (test/service/api.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, EXIT } from '../../src/cli.ts';
import type { ReleaseReport } from '../../src/release/schema.ts';
import { serviceArtifacts } from '../service/artifacts.ts';

test('release --previous reports dropped platforms and raised floors, and nothing against itself', async () => {
  const arts = serviceArtifacts();
  const dir = mkdtempSync(join(tmpdir(), 'distaudit-diff-'));
  try {
    const file = (sub: string, a: { name: string; bytes: Buffer }) => {
      const p = join(dir, sub, a.name);
      mkdirSync(join(dir, sub), { recursive: true });
      writeFileSync(p, a.bytes);
      return p;
    };
    const v1 = [file('v1', arts.wheel), file('v1', arts.npm)];
    const v2 = [file('v2', arts.wheelTooNew)];
    let out = '';
    let err = '';
    const run = (...args: string[]) => main(args, (s) => (out += s), (s) => (err += s));
    assert.equal(await run('release', '--format', 'json', '--fail-on', 'never', '--output', join(dir, 'v1.json'), ...v1), EXIT.ok);

    assert.equal(await run('release', '--format', 'json', '--fail-on', 'never', '--previous', join(dir, 'v1.json'), ...v2), EXIT.ok);
    const r2 = JSON.parse(out) as ReleaseReport;
    const dropped = r2.findings.filter((f) => f.check === 'release.platform-dropped');
    assert.deepEqual(dropped.map((f) => f.evidence.platform), ['linux-x86_64-musl'], 'the npm prebuild covered musl; the new wheel does not');
    assert.equal(dropped[0]!.severity, 'error');
    const raised = r2.findings.filter((f) => f.check === 'release.floor-raised');
    assert.equal(raised.length, 1);
    assert.deepEqual([raised[0]!.evidence.platform, raised[0]!.evidence.family, raised[0]!.evidence.from, raised[0]!.severity], ['linux-x86_64-glibc', 'GLIBC', null, 'warning']);
    assert.match(raised[0]!.message, /the GLIBC floor rose from none \(any GLIBC\) to 2\.\d+ \(demo\/_ext\.cpython-311-x86_64-linux-gnu\.so in demo-2\.0-/);

    out = '';
    assert.equal(await run('release', '--format', 'json', '--fail-on', 'never', '--previous', join(dir, 'v1.json'), ...v1), EXIT.ok);
    const same = JSON.parse(out) as ReleaseReport;
    assert.deepEqual(same.findings.filter((f) => f.check === 'release.platform-dropped' || f.check === 'release.floor-raised'), []);

    writeFileSync(join(dir, 'bad.json'), '{"not": "a report"}');
    assert.equal(await run('release', '--previous', join(dir, 'bad.json'), ...v2), EXIT.usage);
    assert.match(err, /not a distaudit release report/);
    assert.equal(await run('release', '--previous', join(dir, 'missing.json'), ...v2), EXIT.usage);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
