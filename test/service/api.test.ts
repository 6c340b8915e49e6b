/**
 * The service end to end against a real redis-server: uploads of every
 * artifact kind go through the queue to the inspect worker and come back as
 * reports in every format; tokens see only their project; oversize and
 * malformed uploads are refused with JSON errors and leave nothing behind;
 * releases are judged together and against the previous release; the
 * operations endpoints answer.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { DEFAULT_LOAD_SETTINGS } from '../../src/load/host.ts';
import type { Report } from '../../src/report/schema.ts';
import { startTestService, ADMIN_TOKEN, type TestService } from './harness.ts';
import { serviceArtifacts, type TestArtifact } from './artifacts.ts';
import { repoRoot } from '../support/fixture-builder.ts';

let svc: TestService;
let small: TestService;
let a: { token: string };
let b: { token: string };
const arts = serviceArtifacts();

before(async () => {
  svc = await startTestService();
  small = await startTestService({ config: { maxUploadBytes: 64 * 1024, rateLimitPerMinute: 8 } });
  a = await svc.project('alpha');
  b = await svc.project('beta');
});
after(async () => {
  await svc?.stop();
  await small?.stop();
});

type Json = Record<string, unknown>;
const json = async (res: Response) => (await res.json()) as Json & { error?: { code: string; message: string } };
const ids = (answer: Json) => (answer.audits as { id: string }[]).map((x) => x.id);

function blobsIn(t: TestService): string[] {
  const root = join(t.dataDir, 'store', 'blobs');
  return readdirSync(root).flatMap((d) => readdirSync(join(root, d)));
}

test('an upload of every artifact kind is queued, inspected by the worker and reported in every format', async () => {
  const all: TestArtifact[] = [arts.wheel, arts.wheelTooNew, arts.jar, arts.npm, arts.node];
  // Two wheels share a name: each is its own part, and its own audit.
  const res = await svc.upload(a.token, all);
  assert.equal(res.status, 202);
  const answer = await json(res);
  const audits = answer.audits as { id: string; state: string; file: string; sha256: string; links: { self: string } }[];
  assert.equal(audits.length, all.length);
  assert.ok(audits.every((x) => x.state === 'queued'));
  assert.equal(res.headers.get('location'), audits[0]!.links.self);

  const ajv = new Ajv2020({ strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(join(repoRoot, 'docs/report.schema.json'), 'utf8')));
  for (const [i, art] of all.entries()) {
    const done = await svc.waitAudit(a.token, audits[i]!.id);
    assert.equal(done.state, 'done', `${art.name}: ${JSON.stringify(done.error)}`);
    assert.equal(done.verdict, art.verdict, art.name);
    const report = (await json(await svc.call(`/v1/audits/${audits[i]!.id}/report`, a.token))) as Json & { findings: { check: string }[]; artifact: { file: string; sha256: string } };
    assert.ok(validate(report), JSON.stringify(validate.errors));
    assert.equal(report.artifact.file, art.name);
    assert.equal(report.artifact.sha256, audits[i]!.sha256);
    if (art.check) assert.ok(report.findings.some((f) => f.check === art.check), `${art.name} reports ${art.check}`);
  }
  const id = audits[1]!.id;
  const sarif = await svc.call(`/v1/audits/${id}/report?format=sarif`, a.token);
  assert.match(sarif.headers.get('content-type')!, /application\/sarif\+json/);
  const log = (await sarif.json()) as { version: string; runs: { results: { ruleId: string }[] }[] };
  assert.equal(log.version, '2.1.0');
  assert.ok(log.runs[0]!.results.some((r) => r.ruleId === 'elf.symbol-version-too-new'));
  const junit = await (await svc.call(`/v1/audits/${id}/report?format=junit`, a.token)).text();
  assert.match(junit, /^<\?xml[\s\S]*<testsuites name="distaudit">[\s\S]*<failure/);
  assert.match(await (await svc.call(`/v1/audits/${id}/report?format=markdown`, a.token)).text(), /## distaudit: .*fail/);
  assert.match(await (await svc.call(`/v1/audits/${id}/report?format=text`, a.token)).text(), /FAIL/);
  const bad = await svc.call(`/v1/audits/${id}/report?format=pdf`, a.token);
  assert.equal(bad.status, 400);
  assert.equal((await json(bad)).error!.code, 'bad-request');
});

test('live progress arrives as Server-Sent Events that end with the verdict, also after the end', async () => {
  const res = await svc.upload(a.token, [{ name: 'sse-' + arts.npm.name, bytes: arts.npm.bytes }], '?rerun=true');
  const [id] = ids(await json(res));
  const events = await svc.call(`/v1/audits/${id}/events`, a.token);
  assert.equal(events.status, 200);
  assert.match(events.headers.get('content-type')!, /text\/event-stream/);
  const text = await events.text(); // the stream ends after the final state
  const names = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
  assert.equal(names[0], 'state');
  assert.equal(names.at(-1), 'done');
  const last = JSON.parse([...text.matchAll(/^data: (.*)$/gm)].at(-1)![1]!) as { state: string; verdict: string; progress: number };
  assert.deepEqual([last.state, last.verdict, last.progress], ['done', 'warn', 1]);
  const progress = [...text.matchAll(/^event: progress\ndata: (.*)$/gm)].map((m) => (JSON.parse(m[1]!) as { progress: number }).progress);
  assert.deepEqual(progress, [...progress].sort((x, y) => x - y), 'progress never goes back');
  // Opened after the end: the state, then done at once.
  const late = await (await svc.call(`/v1/audits/${id}/events`, a.token)).text();
  assert.deepEqual([...late.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]), ['state', 'done']);
});

test('bytes already audited under the same name in the same project reuse the report, unless a re-run is asked for', async () => {
  const first = ids(await json(await svc.upload(a.token, [arts.node])))[0]!;
  await svc.waitAudit(a.token, first);
  const again = ids(await json(await svc.upload(a.token, [arts.node])))[0]!;
  const reused = await svc.waitAudit(a.token, again);
  assert.equal(reused.verdict, 'warn');
  assert.ok(reused.reusedFrom !== null, 'the second audit reuses a report');
  const report = (id: string) => svc.call(`/v1/audits/${id}/report`, a.token).then((r) => r.text());
  assert.equal(await report(again), await report(first), 'the same report');
  // Another project uploading the same bytes gets its own audit: reuse never crosses projects.
  const other = ids(await json(await svc.upload(b.token, [arts.node])))[0]!;
  assert.equal((await svc.waitAudit(b.token, other)).reusedFrom, null);
  const rerun = ids(await json(await svc.upload(a.token, [arts.node], '?rerun=true')))[0]!;
  const fresh = await svc.waitAudit(a.token, rerun);
  assert.equal(fresh.reusedFrom, null);
  assert.equal(fresh.verdict, 'warn');
});

test("a token sees only its own project's audits: another project's are not found", async () => {
  const [id] = ids(await json(await svc.upload(a.token, [arts.jar])));
  await svc.waitAudit(a.token, id!);
  for (const path of [`/v1/audits/${id}`, `/v1/audits/${id}/report`, `/v1/audits/${id}/events`]) {
    const res = await svc.call(path, b.token);
    assert.equal(res.status, 404, path);
    assert.equal((await json(res)).error!.code, 'not-found');
  }
  const listed = (await json(await svc.call('/v1/audits', b.token))).audits as { id: string }[];
  assert.ok(!listed.some((x) => x.id === id));
  assert.ok(((await json(await svc.call('/v1/audits', a.token))).audits as { id: string }[]).some((x) => x.id === id));
  const none = await svc.call(`/v1/audits/${id}`, null);
  assert.equal(none.status, 401);
  assert.equal((await json(none)).error!.code, 'unauthorized');
  assert.equal((await svc.call(`/v1/audits/${id}`, 'dat_forged')).status, 401);
});

test('an oversize upload gets 413 with a JSON error, and nothing half-written remains', async () => {
  const p = await small.project('small');
  const before = blobsIn(small);
  const big = Buffer.alloc(200 * 1024, 7);
  const res = await small.upload(p.token, [arts.node, { name: 'big.whl', bytes: big }]);
  assert.equal(res.status, 413);
  const err = await json(res);
  assert.equal(err.error!.code, 'too-large');
  assert.match(err.error!.message, /big\.whl is larger than the 65536-byte upload limit/);
  // The complete first file may be stored (content addressed, whole); the oversize one never is, and no temporary file stays.
  const after = blobsIn(small);
  assert.ok(after.length <= before.length + 1);
  assert.deepEqual(readdirSync(join(small.dataDir, 'store', 'tmp')), []);
  assert.deepEqual((await json(await small.call('/v1/audits', p.token))).audits, [], 'no audit was created');
});

test('malformed uploads get clear JSON errors', async () => {
  const notMultipart = await svc.call('/v1/audits', a.token, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'x' });
  assert.equal(notMultipart.status, 415);
  const form = new FormData();
  form.append('name', 'no files');
  const noFile = await svc.call('/v1/audits', a.token, { method: 'POST', body: form });
  assert.equal(noFile.status, 400);
  assert.match((await json(noFile)).error!.message, /no file part/);
  const traversal = await svc.upload(a.token, [{ name: '../../etc/x.whl', bytes: arts.node.bytes }]);
  // busboy keeps only the base name of a part's filename; a name that is nothing but a path is refused.
  assert.ok(traversal.status === 202 || traversal.status === 400);
  if (traversal.status === 202) assert.equal(((await json(traversal)).audits as { file: string }[])[0]!.file, 'x.whl');
  const unknown = ids(await json(await svc.upload(a.token, [{ name: 'notes.txt', bytes: Buffer.from('hello') }])))[0]!;
  assert.equal((await svc.waitAudit(a.token, unknown)).verdict, 'fail');
  const report = await json(await svc.call(`/v1/audits/${unknown}/report`, a.token));
  assert.deepEqual((report.findings as { check: string }[]).map((f) => f.check), ['artifact.unsupported-kind']);
  const missing = await svc.call('/v1/audits/00000000-0000-0000-0000-000000000000', a.token);
  assert.equal(missing.status, 404);
  const route = await svc.call('/v1/nothing', a.token);
  assert.equal(route.status, 404);
  assert.equal((await json(route)).error!.code, 'not-found');
});

test('a release is judged together, and against the previous release: dropped platforms and raised floors', async () => {
  const upload = async (name: string, files: TestArtifact[], previous?: string) => {
    const res = await svc.uploadRelease(a.token, name, files, previous);
    assert.equal(res.status, 202, await res.clone().text());
    return ((await json(res)).release as { id: string }).id;
  };
  const waitRelease = (id: string) => svc.waitRelease(a.token, id);
  const r1 = await upload('demo 1.0', [arts.wheel, arts.npm]);
  assert.equal((await waitRelease(r1)).state, 'done');
  const rep1 = (await json(await svc.call(`/v1/releases/${r1}/report`, a.token))) as Json & { matrix: { platforms: string[]; artifacts: string[] } };
  assert.deepEqual(rep1.matrix.artifacts, [arts.wheel.name, arts.npm.name]);
  assert.ok(rep1.matrix.platforms.includes('linux-x86_64-glibc'));

  const r2 = await upload('demo 2.0', [arts.wheelTooNew], r1);
  const rel2 = await waitRelease(r2);
  assert.equal(rel2.state, 'done');
  assert.equal(rel2.previous, r1);
  const rep2 = (await json(await svc.call(`/v1/releases/${r2}/report`, a.token))) as Json & { matrix: { platforms: string[] }; findings: { check: string; message: string; evidence: Json }[] };
  const dropped = rep1.matrix.platforms.filter((p) => !rep2.matrix.platforms.includes(p));
  assert.ok(dropped.length > 0);
  assert.deepEqual(rep2.findings.filter((f) => f.check === 'release.platform-dropped').map((f) => f.evidence.platform).sort(), dropped.sort());
  const raised = rep2.findings.filter((f) => f.check === 'release.floor-raised');
  assert.ok(raised.some((f) => f.evidence.platform === 'linux-x86_64-glibc' && f.evidence.family === 'GLIBC'), JSON.stringify(rep2.findings));
  assert.match(await (await svc.call(`/v1/releases/${r2}/report?format=text`, a.token)).text(), /release\.platform-dropped/);

  // The previous release must be the project's own, and finished.
  const bad = await svc.uploadRelease(a.token, 'x', [arts.node], 'no-such-release');
  assert.equal(bad.status, 400);
  assert.equal((await svc.call(`/v1/releases/${r1}`, b.token)).status, 404);
});

test('health, readiness, metrics, OpenAPI and request ids', async () => {
  assert.deepEqual(await json(await svc.call('/healthz', null)), { status: 'ok' });
  const ready = await svc.call('/readyz', null);
  assert.equal(ready.status, 200);
  assert.deepEqual((await json(ready)).checks, { redis: 'ok', store: 'ok' });
  const metrics = await (await svc.call('/metrics', null)).text();
  assert.match(metrics, /^distaudit_queue_jobs\{queue="distaudit-inspect",state="waiting"\} \d+$/m);
  assert.match(metrics, /^distaudit_audits_finished\{verdict="fail"\} [1-9]\d*$/m);
  assert.match(metrics, /^distaudit_audit_duration_seconds_count [1-9]\d*$/m);
  const spec = (await json(await svc.call('/docs/json', null))) as Json & { openapi: string; paths: Record<string, unknown> };
  assert.match(spec.openapi, /^3\./);
  for (const p of ['/v1/audits', '/v1/audits/{id}', '/v1/audits/{id}/report', '/v1/audits/{id}/events', '/v1/releases', '/v1/hooks/ci', '/v1/projects']) assert.ok(p in spec.paths, p);
  const withId = await svc.call('/healthz', null, { headers: { 'x-request-id': 'ci-run-42' } });
  assert.equal(withId.headers.get('x-request-id'), 'ci-run-42');
  assert.match((await svc.call('/healthz', null)).headers.get('x-request-id')!, /^[0-9a-f-]{36}$/);
});

test('requests past the rate limit get 429 with a JSON error', async () => {
  const p = await small.project('limited');
  const statuses: number[] = [];
  for (let i = 0; i < 10; i++) statuses.push((await small.call('/v1/audits', p.token)).status);
  assert.deepEqual(statuses.slice(0, 7), Array(7).fill(200));
  const res = await small.call('/v1/audits', p.token);
  assert.equal(res.status, 429);
  assert.equal((await json(res)).error!.code, 'rate-limited');
  // Health checks are not limited.
  assert.equal((await small.call('/healthz', p.token)).status, 200);
});

test('projects are managed with the admin token only', async () => {
  const post = (token: string | null, body: unknown) => svc.call('/v1/projects', token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal((await post(null, { name: 'x1' })).status, 401);
  assert.equal((await post(a.token, { name: 'x1' })).status, 401);
  assert.equal((await post(ADMIN_TOKEN, { name: 'Bad Name' })).status, 400);
  assert.equal((await post(ADMIN_TOKEN, { name: 'alpha' })).status, 409);
  assert.equal((await post(ADMIN_TOKEN, { name: 'x2', allowedOrigins: ['https://ok.example/path'] })).status, 400);
  const tok = await svc.call('/v1/projects/alpha/tokens', ADMIN_TOKEN, { method: 'POST' });
  assert.equal(tok.status, 201);
  const second = ((await json(tok)) as { token: string }).token;
  assert.equal((await svc.call('/v1/audits', second)).status, 200);
});

test('with loads on and no usable sandbox, the audit still finishes: every load not-run with the driver\'s reason, static verdicts unchanged', async () => {
  // The docker driver on a host without a Docker engine: the load worker must say so, never pass a load.
  const withLoads = await startTestService({ config: { loads: { ...DEFAULT_LOAD_SETTINGS, driver: 'docker' } } });
  try {
    const p = await withLoads.project('loads');
    const id = ids(await json(await withLoads.upload(p.token, [arts.wheel])))[0]!;
    const done = await withLoads.waitAudit(p.token, id);
    assert.equal(done.state, 'done');
    const report = (await json(await withLoads.call(`/v1/audits/${id}/report`, p.token))) as unknown as Report;
    assert.ok(report.loads, 'the report has a load section');
    assert.equal(report.loads.driver, 'docker');
    assert.ok(report.loads.outcomes.length > 0);
    for (const o of report.loads.outcomes) {
      assert.equal(o.status, 'not-run');
      assert.match(o.reason, /the docker load driver cannot run on this host: /);
    }
    assert.equal(report.overall.verdict, 'pass');
    assert.ok(!report.findings.some((f) => f.check.startsWith('load.')));
  } finally {
    await withLoads.stop();
  }
});
