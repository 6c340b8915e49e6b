/**
 * Real loads through the service: an upload goes to the inspect worker, then
 * to the load worker, which loads it in the real images with bubblewrap and
 * finishes the audit with its load section. The dashboard, in a real
 * browser, shows the load matrix beside the static verdicts, with the
 * loader's words and the finding that predicted each failure.
 *
 * The images are the three Debian amd64 ones (built on first use).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEFAULT_LOAD_SETTINGS } from '../../src/load/host.ts';
import type { Report } from '../../src/report/schema.ts';
import { loadArtifact } from '../fixtures/load-artifacts.ts';
import { backgroundOf, launchBrowser, RESULTS, VERDICT_RGB } from './browser.ts';
import { startTestService, type TestService } from './harness.ts';

const IMAGES = ['debian-bullseye-amd64', 'debian-bookworm-amd64', 'debian-trixie-amd64'] as const;

describe('real loads in the service', { timeout: 30 * 60_000 }, () => {
  let svc: TestService;
  let browser: Browser | undefined;
  let token: string;
  let auditId: string;
  const wheel = loadArtifact('wheel-glibc238');
  const name = basename(wheel.file);

  before(async () => {
    svc = await startTestService({ config: { loads: { ...DEFAULT_LOAD_SETTINGS, images: [...IMAGES] } } });
    ({ token } = await svc.project('loads'));
  });
  after(async () => {
    await browser?.close();
    await svc?.stop();
  });

  it('an upload is inspected, then loaded; the audit ends with the load section, and failures fail the target', async () => {
    const res = await svc.upload(token, [{ name, bytes: readFileSync(wheel.file) }]);
    assert.equal(res.status, 202);
    auditId = ((await res.json()) as { audits: { id: string }[] }).audits[0]!.id;
    // The audit waits for its loads: seen at the 'loading' stage, done only after.
    const stages = new Set<string>();
    for (const deadline = Date.now() + 20 * 60_000; ; ) {
      const a = (await (await svc.call(`/v1/audits/${auditId}`, token)).json()) as { state: string; stage: string };
      stages.add(a.stage);
      if (a.state === 'done' || a.state === 'failed') break;
      assert.ok(Date.now() < deadline, `audit still ${a.state} (${a.stage})`);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok([...stages].some((s) => s === 'loading' || s.startsWith('preparing image')), `stages seen: ${[...stages].join(', ')}`);
    const report = (await (await svc.call(`/v1/audits/${auditId}/report`, token)).json()) as Report;
    assert.equal(report.loads?.driver, 'bwrap');
    const status = Object.fromEntries(report.loads!.outcomes.map((o) => [o.image, o.status]));
    assert.deepEqual(status, { 'debian-bullseye-amd64': 'failed', 'debian-bookworm-amd64': 'failed', 'debian-trixie-amd64': 'passed' });
    for (const o of report.loads!.outcomes.filter((x) => x.status === 'failed')) {
      assert.equal(o.predictedBy, 'elf.symbol-version-too-new');
      assert.match(o.output, /GLIBC_2\.38' not found/);
    }
    assert.equal(report.findings.filter((f) => f.check === 'load.failed').length, 2);
    assert.equal(report.overall.verdict, 'fail');
    // The markdown and JUnit reports carry the loads too.
    assert.match(await (await svc.call(`/v1/audits/${auditId}/report?format=markdown`, token)).text(), /### Real loads \(bwrap\)/);
    assert.match(await (await svc.call(`/v1/audits/${auditId}/report?format=junit`, token)).text(), /real loads" tests="3" failures="2"/);
  });

  it('the dashboard shows the load matrix beside the static verdicts, with the loader\'s words', async () => {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.setDefaultTimeout(60_000);
    await page.goto(`${svc.url}/ui/`);
    await page.locator('#token-input').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${svc.url}/ui/#/audits/${auditId}`);
    await page.getByTestId('load-matrix').waitFor();
    assert.match(await page.getByTestId('target-loads').innerText(), /1 passed · 2 failed/);
    const cell = (image: string) => page.locator(`#load-matrix [data-testid=load-cell][data-image="${image}"]`);
    assert.equal(await cell('debian-bullseye-amd64').getAttribute('data-status'), 'failed');
    assert.equal(await cell('debian-bullseye-amd64').evaluate(backgroundOf), VERDICT_RGB.fail);
    assert.equal(await cell('debian-trixie-amd64').getAttribute('data-status'), 'passed');
    assert.equal(await cell('debian-trixie-amd64').evaluate(backgroundOf), VERDICT_RGB.pass);
    await cell('debian-bookworm-amd64').locator('summary').click();
    const details = await cell('debian-bookworm-amd64').locator('.load-details').innerText();
    assert.match(details, /elf\.symbol-version-too-new/);
    assert.match(details, /python 3\.11/);
    assert.match(await cell('debian-bookworm-amd64').getByTestId('load-output').innerText(), /GLIBC_2\.38' not found/);
    await page.screenshot({ path: join(RESULTS, 'dashboard-loads.png'), fullPage: true });
  });
});
