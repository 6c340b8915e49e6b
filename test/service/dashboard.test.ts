/**
 * The dashboard in a real browser: Debian's Chromium driven by
 * playwright-core against a real service (redis-server, API, workers).
 * Signs in with a project token, uploads a failing wheel through the page,
 * follows its live progress to the FAIL verdict, opens the culprit finding,
 * downloads reports, and reads a release's coverage matrix. Screenshots go
 * to test-results/ to look at.
 *
 * Without Chromium the test fails (it never skips): CI must install it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { serviceArtifacts } from './artifacts.ts';
import { backgroundOf, launchBrowser, RESULTS, VERDICT_RGB } from './browser.ts';
import { startTestService, type TestService } from './harness.ts';

const SLOW = 60_000;

// Functions that run in the page. This tsconfig has no DOM types, so they name the little they use.
interface PageElement { dataset: Record<string, string | undefined> }
const dataOf = (els: unknown[], key: string) => els.map((e) => (e as PageElement).dataset[key]);

describe('dashboard', { timeout: 180_000 }, () => {
  let svc: TestService | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let token: string;
  const artifacts = serviceArtifacts();
  /** Problems the page itself reports: uncaught exceptions, CSP violations, requests leaving the service. */
  const problems: string[] = [];
  const requests: string[] = [];

  before(async () => {
    svc = await startTestService();
    ({ token } = await svc.project('dashboard'));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(SLOW);
    const origin = svc.url;
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      // The wrong-token attempt below logs its 401 as a failed resource; anything else is a problem.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
    });
    page.on('request', (r) => {
      const url = r.url();
      requests.push(url);
      if (!url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:')) problems.push(`request outside the service: ${url}`);
    });
  });

  after(async () => {
    await browser?.close();
    await svc?.stop();
  });

  it('signs in, uploads a wheel, follows it live to FAIL and shows why', async () => {
    const t = svc!;
    await page.goto(`${t.url}/`); // redirects to /ui/
    assert.match(page.url(), /\/ui\/$/);
    assert.equal((await fetch(`${t.url}/ui`, { redirect: 'manual' })).headers.get('location'), '/ui/');

    // A wrong token is refused on the prompt itself.
    await page.locator('#token-input').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#token-error:not([hidden])').waitFor();
    assert.match(await page.locator('#token-error').innerText(), /not accepted/);

    await page.locator('#token-input').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#upload-form').waitFor();
    assert.equal(await page.locator('#sign-out').isVisible(), true);
    await page.locator('#audits').getByText('No audits yet').waitFor();

    // Hold the queue so the page is seen waiting, then watch it go through the stages.
    await t.service.ctx.queues.inspect.pause();
    await page.evaluate(`(() => {
      const stages = (window.__stages = []);
      new MutationObserver((records) => {
        for (const r of records) {
          if (r.type === 'attributes' && r.oldValue) stages.push(r.oldValue);
          const bar = document.getElementById('audit-progress');
          if (bar && bar.dataset.stage) stages.push(bar.dataset.stage);
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-stage'], attributeOldValue: true });
    })()`);

    const wheel = artifacts.wheelTooNew;
    await page.locator('#upload-input').setInputFiles({ name: wheel.name, mimeType: 'application/octet-stream', buffer: wheel.bytes });
    await page.getByRole('button', { name: 'Upload and audit' }).click();
    await page.waitForURL(/#\/audits\/[\w-]+$/);
    const auditId = /#\/audits\/([\w-]+)$/.exec(page.url())![1]!;
    assert.equal(await page.locator('h1 .file').innerText(), wheel.name);

    await page.getByTestId('audit-progress').waitFor();
    assert.match(await page.locator('#audit-stage').innerText(), /Queued/);
    assert.equal(await page.locator('#audit-live').getAttribute('aria-live'), 'polite');
    await page.screenshot({ path: join(RESULTS, 'dashboard-progress.png') });
    await t.service.ctx.queues.inspect.resume();

    const verdict = page.locator('[data-testid=audit-verdict][data-verdict=fail]');
    await verdict.waitFor({ timeout: SLOW });
    assert.equal(await verdict.innerText(), 'FAIL');
    const stages = (await page.evaluate('window.__stages')) as string[];
    assert.ok(stages.includes('queued'), `stages seen: ${stages.join(', ')}`);
    assert.ok(stages.some((s) => s !== 'queued'), `the bar never left 'queued': ${stages.join(', ')}`);
    assert.ok(requests.some((u) => u.endsWith(`/v1/audits/${auditId}/events`)), 'progress came from the event stream');
    assert.equal(await page.getByTestId('audit-progress').count(), 0, 'the bar goes once the audit is done');

    // The target matrix: the one target the wheel claims, failed, in red.
    const cell = page.locator('#target-matrix tr[data-target="linux-x86_64-glibc2.17"] [data-testid=target-verdict]');
    assert.equal(await cell.getAttribute('data-verdict'), 'fail');
    assert.equal(await cell.innerText(), 'FAIL');
    assert.equal(await cell.evaluate(backgroundOf), VERDICT_RGB.fail);
    assert.equal(await page.locator('[data-testid=audit-verdict]').evaluate(backgroundOf), VERDICT_RGB.fail);

    // The binaries table: the extension module and its glibc floor.
    const bin = page.locator('#binaries tr[data-path="demo/_ext.cpython-311-x86_64-linux-gnu.so"]');
    assert.match(await bin.innerText(), /elf\s+x86_64\s+glibc\s+2\.36/);

    // Findings grouped by severity; the culprit one opens to its evidence.
    assert.deepEqual(await page.locator('#findings ul.findings').evaluateAll(dataOf, 'severity'), ['error', 'info']);
    const finding = page.locator(`#findings [data-testid=finding][data-check="${wheel.check}"]`);
    assert.equal(await finding.locator('..').locator('..').getAttribute('data-severity'), 'error');
    const details = finding.getByTestId('finding-details');
    assert.equal(await details.isVisible(), false);
    await finding.locator('summary').click();
    await details.waitFor({ state: 'visible' });
    const text = await details.innerText();
    assert.match(text, /GLIBC_2\.3[46]/);
    assert.match(text, /pthread_create/);
    assert.match(text, /"allowedUpTo": "2\.17"/);
    assert.match(text, /demo\/_ext\.cpython-311-x86_64-linux-gnu\.so/);
    assert.match(text, /linux-x86_64-glibc2\.17/);
    assert.match(text, /What to do\s+Build .* in the manylinux_2_17 image/);
    await page.screenshot({ path: join(RESULTS, 'dashboard.png'), fullPage: true });

    // Reports come down with the token (fetch + Blob URL), in each format.
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-json').click()]);
    assert.match(json.suggestedFilename(), /\.json$/);
    const report = JSON.parse(readFileSync(await json.path(), 'utf8')) as { artifact: { file: string }; overall: { verdict: string } };
    assert.equal(report.artifact.file, wheel.name);
    assert.equal(report.overall.verdict, 'fail');
    const [sarif] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-sarif').click()]);
    assert.match(readFileSync(await sarif.path(), 'utf8'), /"ruleId":\s*"elf\.symbol-version-too-new"/);
    const [md] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-markdown').click()]);
    assert.match(readFileSync(await md.path(), 'utf8'), /elf\.symbol-version-too-new/);

    // Home lists it, finished.
    await page.getByRole('link', { name: 'Audits', exact: true }).first().click();
    const row = page.locator(`[data-testid=audit-row][data-id="${auditId}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /wheel\s+done\s+FAIL\s+2 errors, 0 warnings, 1 info/);

    assert.deepEqual(problems, []);
  });

  it('uploads several files from home and refreshes the list until they finish', async () => {
    const t = svc!;
    await page.goto(`${t.url}/ui/#/`);
    await page.locator('#upload-form').waitFor();
    await t.service.ctx.queues.inspect.pause();
    const files = [artifacts.jar, artifacts.node];
    await page.locator('#upload-input').setInputFiles(files.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: f.bytes })));
    await page.getByRole('button', { name: 'Upload and audit' }).click();

    // Several files: the page stays home and lists them, each with a progress bar while queued.
    const rows = files.map((f) => page.locator('[data-testid=audit-row]').filter({ has: page.getByRole('link', { name: f.name, exact: true }) }));
    for (const row of rows) await row.locator('progress').waitFor();
    assert.match(page.url(), /#\/$/);
    assert.deepEqual(await Promise.all(rows.map((r) => r.locator('td').nth(1).innerText())), ['jar', 'node addon']);
    await page.screenshot({ path: join(RESULTS, 'dashboard-home.png'), fullPage: true });
    await t.service.ctx.queues.inspect.resume();

    // No reload: the list refreshes itself until both are done (each warns).
    for (const row of rows) await row.locator('[data-verdict=warn]').waitFor({ timeout: SLOW });
    for (const row of rows) assert.equal(await row.locator('progress').count(), 0);
    assert.deepEqual(problems, []);
  });

  it('shows a release: coverage matrix, release findings, links to its audits', async () => {
    const t = svc!;
    const res = await t.uploadRelease(token, 'demo 1.0', [artifacts.wheel, artifacts.npm]);
    assert.equal(res.status, 202, await res.clone().text());
    const { release } = (await res.json()) as { release: { id: string; links: { dashboard: string } } };
    assert.equal(release.links.dashboard, `/ui/#/releases/${release.id}`);

    await t.waitRelease(token, release.id, SLOW);
    const expected = (await (await t.call(`/v1/releases/${release.id}/report?format=json`, token)).json()) as {
      matrix: { platforms: string[]; artifacts: string[]; cells: (string | null)[][] };
    };

    await page.goto(t.url + release.links.dashboard);
    const matrix = page.getByTestId('release-matrix');
    await matrix.waitFor();
    assert.equal(await page.locator('#view h1').innerText(), `demo 1.0 ${(await page.getByTestId('release-verdict').innerText())}`);

    // One row per platform, one column per artifact, each cell as the report says.
    const platforms = await matrix.locator('tbody tr').evaluateAll(dataOf, 'platform');
    assert.deepEqual(platforms, expected.matrix.platforms);
    assert.ok(expected.matrix.platforms.includes('linux-x86_64-glibc'));
    assert.deepEqual(await matrix.locator('thead th.artifact').allInnerTexts(), expected.matrix.artifacts);
    for (const [i, platform] of expected.matrix.platforms.entries()) {
      const cells = matrix.locator(`tr[data-platform="${platform}"] td`);
      for (const [j, v] of expected.matrix.cells[i]!.entries()) {
        const cell = cells.nth(j);
        assert.equal(await cell.getAttribute('data-verdict'), v ?? 'none', `${platform} × ${expected.matrix.artifacts[j]}`);
        if (v) assert.equal(await cell.evaluate(backgroundOf), VERDICT_RGB[v as keyof typeof VERDICT_RGB]);
      }
    }
    const glibcWheel = matrix.locator('tr[data-platform="linux-x86_64-glibc"] td').nth(expected.matrix.artifacts.indexOf(artifacts.wheel.name));
    assert.equal(await glibcWheel.innerText(), 'PASS');

    // Release-level findings (two different projects and versions in one release).
    const checks = await page.locator('#release-findings [data-testid=finding]').evaluateAll(dataOf, 'check');
    assert.ok(checks.includes('release.version-skew'), checks.join(', '));
    await page.screenshot({ path: join(RESULTS, 'dashboard-release.png'), fullPage: true });

    // Each audit is a link away.
    const links = page.getByTestId('release-audit-link');
    assert.deepEqual((await links.allInnerTexts()).sort(), [artifacts.wheel.name, artifacts.npm.name].sort());
    await links.filter({ hasText: artifacts.npm.name }).click();
    await page.waitForURL(/#\/audits\/[\w-]+$/);
    await page.locator('[data-testid=audit-verdict][data-verdict=warn]').waitFor();
    assert.equal(await page.getByTestId('audit-release-link').getAttribute('href'), `#/releases/${release.id}`);

    // Signing out forgets the token.
    await page.locator('#sign-out').click();
    await page.locator('#token-input').waitFor();
    assert.equal(await page.evaluate('sessionStorage.length'), 0);

    assert.deepEqual(problems, []);
  });
});
