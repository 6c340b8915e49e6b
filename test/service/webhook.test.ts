/**
 * The signed CI webhook against a real service: a good signature is
 * accepted, a bad or stale one refused, a replayed idempotency key answers
 * what the first delivery did, artifacts come inline or by URL from allowed
 * origins only, and the final verdict is called back signed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestService, webhookHeaders, type TestService } from './harness.ts';
import { serviceArtifacts } from './artifacts.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verify } from '../../src/service/signature.ts';

const arts = serviceArtifacts();
let svc: TestService;
let files: Server;
let elsewhere: Server;
let filesOrigin: string;
let elsewhereOrigin: string;
let project: { token: string; secret: string };
const callbacks: { headers: IncomingMessage['headers']; body: string }[] = [];
let callbackWaiters: (() => void)[] = [];

async function listen(s: Server): Promise<string> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

before(async () => {
  // The CI's artifact host, which is also where the project wants its callbacks.
  files = createServer((req, res) => {
    if (req.url === '/artifacts/demo.node') return void res.end(arts.node.bytes);
    if (req.url === '/redirect-away') return void res.writeHead(302, { location: `${elsewhereOrigin}/demo.node` }).end();
    if (req.url === '/redirect-here') return void res.writeHead(302, { location: '/artifacts/demo.node' }).end();
    if (req.url === '/callback' && req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        callbacks.push({ headers: req.headers, body });
        res.end('ok');
        for (const w of callbackWaiters) w();
        callbackWaiters = [];
      });
      return;
    }
    res.writeHead(404).end();
  });
  elsewhere = createServer((_req, res) => res.end(arts.node.bytes));
  filesOrigin = await listen(files);
  elsewhereOrigin = await listen(elsewhere);
  svc = await startTestService({ env: { DISTAUDIT_WEBHOOK_WINDOW_S: '300' } });
  project = await svc.project('ci', { callbackUrl: `${filesOrigin}/callback`, allowedOrigins: [filesOrigin] });
});
after(async () => {
  await svc?.stop();
  files?.close();
  elsewhere?.close();
});

const deliver = (body: string, headers: Record<string, string>) => svc.call('/v1/hooks/ci', null, { method: 'POST', headers, body });
const inline = (name: string, bytes: Buffer) => JSON.stringify({ artifacts: [{ name, content: bytes.toString('base64') }] });

async function nextCallback(): Promise<(typeof callbacks)[number]> {
  const n = callbacks.length;
  while (callbacks.length === n) await new Promise<void>((r) => callbackWaiters.push(r));
  return callbacks[n]!;
}

test('a correctly signed delivery is accepted, audited, and its verdict called back signed', async () => {
  const body = inline(arts.wheelTooNew.name, arts.wheelTooNew.bytes);
  const called = nextCallback();
  const res = await deliver(body, webhookHeaders('ci', project.secret, body));
  assert.equal(res.status, 202);
  const answer = (await res.json()) as { statusUrl: string; audits: { id: string; via: string }[]; release: null };
  assert.equal(answer.audits.length, 1);
  assert.equal(answer.audits[0]!.via, 'webhook');
  assert.equal(answer.release, null);
  assert.equal(answer.statusUrl, `${svc.url}/v1/audits/${answer.audits[0]!.id}`);
  assert.equal(res.headers.get('location'), answer.statusUrl);
  const done = await svc.waitAudit(project.token, answer.audits[0]!.id);
  assert.equal(done.verdict, 'fail');

  const cb = await called;
  // The callback is signed with the project's secret, over the exact body, with a fresh timestamp.
  const problem = verify(project.secret, { timestamp: cb.headers[TIMESTAMP_HEADER] as string, signature: cb.headers[SIGNATURE_HEADER] as string }, Buffer.from(cb.body), 300);
  assert.equal(problem, null);
  const payload = JSON.parse(cb.body) as { event: string; id: string; verdict: string; counts: { errors: number }; url: string };
  assert.equal(payload.event, 'audit.finished');
  assert.equal(payload.id, answer.audits[0]!.id);
  assert.equal(payload.verdict, 'fail');
  assert.ok(payload.counts.errors > 0);
  assert.equal(payload.url, answer.statusUrl);
});

test('a bad signature, an unknown project, a missing or stale timestamp are refused', async () => {
  const body = inline('x.node', arts.node.bytes);
  const cases: [string, Record<string, string>, string][] = [
    ['wrong secret', webhookHeaders('ci', 'not-the-secret', body), 'signature-mismatch'],
    ['body changed after signing', webhookHeaders('ci', project.secret, body + ' '), 'signature-mismatch'],
    ['unknown project', webhookHeaders('nobody', project.secret, body), 'signature-mismatch'],
    ['stale timestamp', webhookHeaders('ci', project.secret, body, {}, Math.floor(Date.now() / 1000) - 3600), 'signature-stale'],
    ['future timestamp', webhookHeaders('ci', project.secret, body, {}, Math.floor(Date.now() / 1000) + 3600), 'signature-stale'],
    ['no signature', { 'content-type': 'application/json', 'x-distaudit-project': 'ci' }, 'signature-missing'],
    ['malformed signature', { ...webhookHeaders('ci', project.secret, body), [SIGNATURE_HEADER]: 'sha1=abc' }, 'signature-malformed'],
  ];
  for (const [what, headers, code] of cases) {
    const res = await deliver(body, headers);
    assert.equal(res.status, 401, what);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, code, what);
  }
});

test('a replayed idempotency key answers what the first delivery did, and audits once', async () => {
  const body = inline('idem.node', arts.node.bytes);
  const key = { 'idempotency-key': 'build-1234' };
  const first = await deliver(body, webhookHeaders('ci', project.secret, body, key));
  assert.equal(first.status, 202);
  const firstAnswer = await first.json();
  const count = async () => ((await (await svc.call('/v1/audits?limit=500', project.token)).json()) as { audits: unknown[] }).audits.length;
  const n = await count();
  // The CI retries (a new signature and timestamp, same key and body).
  await new Promise((r) => setTimeout(r, 1100));
  const again = await deliver(body, webhookHeaders('ci', project.secret, body, key));
  assert.equal(again.status, 200);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(await again.json(), firstAnswer);
  assert.equal(await count(), n, 'no second audit');
  // The same key with another body is a client bug.
  const other = inline('other.node', arts.node.bytes);
  const clash = await deliver(other, webhookHeaders('ci', project.secret, other, key));
  assert.equal(clash.status, 422);
  assert.equal(((await clash.json()) as { error: { code: string } }).error.code, 'idempotency-key-reused');
});

test('an exact replay of a signed delivery without an idempotency key is refused', async () => {
  const body = inline('replay.node', arts.node.bytes);
  const headers = webhookHeaders('ci', project.secret, body);
  assert.equal((await deliver(body, headers)).status, 202);
  const replay = await deliver(body, headers);
  assert.equal(replay.status, 409);
  assert.equal(((await replay.json()) as { error: { code: string } }).error.code, 'replayed');
});

test('artifacts by URL are fetched only from allowed origins, redirects included', async () => {
  const send = (artifacts: object[]) => {
    const body = JSON.stringify({ artifacts });
    return deliver(body, webhookHeaders('ci', project.secret, body));
  };
  // Refused at once: not an allowed origin, credentials, another scheme.
  for (const url of [`${elsewhereOrigin}/demo.node`, 'http://169.254.169.254/latest/meta-data', `http://user:pw@${filesOrigin.slice(7)}/artifacts/demo.node`, 'file:///etc/passwd']) {
    const res = await send([{ name: 'demo.node', url }]);
    assert.equal(res.status, 422, url);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'url-not-allowed', url);
  }
  // Allowed: fetched by the worker and audited.
  const ok = (await (await send([{ name: 'demo.node', url: `${filesOrigin}/artifacts/demo.node` }])).json()) as { audits: { id: string }[] };
  const done = await svc.waitAudit(project.token, ok.audits[0]!.id);
  assert.equal(done.state, 'done');
  assert.equal(done.sha256, (await import('node:crypto')).createHash('sha256').update(arts.node.bytes).digest('hex'));
  // A redirect within the allowed origin is followed; one out of it fails the audit, without fetching.
  const here = (await (await send([{ name: 'demo.node', url: `${filesOrigin}/redirect-here` }])).json()) as { audits: { id: string }[] };
  assert.equal((await svc.waitAudit(project.token, here.audits[0]!.id)).state, 'done');
  const away = (await (await send([{ name: 'demo.node', url: `${filesOrigin}/redirect-away` }])).json()) as { audits: { id: string }[] };
  const failed = await svc.waitAudit(project.token, away.audits[0]!.id);
  assert.equal(failed.state, 'failed');
  assert.equal(failed.error?.code, 'url-not-allowed');
  assert.match(failed.error?.message ?? '', /redirected to http:\/\/127\.0\.0\.1:\d+\/demo\.node: .* is not an allowed origin/);
});

test('several artifacts in one delivery are judged as one release', async () => {
  const body = JSON.stringify({
    release: { name: 'demo 3.0' },
    artifacts: [
      { name: arts.wheel.name, content: arts.wheel.bytes.toString('base64') },
      { name: arts.npm.name, content: arts.npm.bytes.toString('base64') },
    ],
  });
  const res = await deliver(body, webhookHeaders('ci', project.secret, body));
  assert.equal(res.status, 202);
  const answer = (await res.json()) as { statusUrl: string; release: { id: string; name: string }; audits: { release: string }[] };
  assert.equal(answer.release.name, 'demo 3.0');
  assert.equal(answer.statusUrl, `${svc.url}/v1/releases/${answer.release.id}`);
  assert.ok(answer.audits.every((x) => x.release === answer.release.id));
  assert.equal((await svc.waitRelease(project.token, answer.release.id)).state, 'done', 'the release finishes');
  const report = (await (await svc.call(`/v1/releases/${answer.release.id}/report`, project.token)).json()) as { matrix: { artifacts: string[] } };
  assert.deepEqual(report.matrix.artifacts, [arts.wheel.name, arts.npm.name]);
});

test('malformed deliveries get clear errors', async () => {
  const send = (body: string, contentType = 'application/json') => deliver(body, { ...webhookHeaders('ci', project.secret, body), 'content-type': contentType });
  const notJson = await send('{"artifacts": [');
  assert.equal(notJson.status, 400);
  assert.match(((await notJson.json()) as { error: { message: string } }).error.message, /not JSON/);
  const schema = await send(JSON.stringify({ artifacts: [{ name: 'a.whl', content: 'AA==', extra: 1 }] }));
  assert.equal(schema.status, 400);
  const both = await send(JSON.stringify({ artifacts: [{ name: 'a.whl' }] }));
  assert.equal(both.status, 400);
  assert.match(((await both.json()) as { error: { message: string } }).error.message, /either url or content/);
  const badName = await send(JSON.stringify({ artifacts: [{ name: '../a.whl', content: 'AA==' }] }));
  assert.equal(badName.status, 400);
  const notBase64 = await send(JSON.stringify({ artifacts: [{ name: 'a.whl', content: '@@@' }] }));
  assert.equal(notBase64.status, 400);
});
