/**
 * Fault injection against the real service: a real redis-server (AOF,
 * appendfsync always), the API without in-process workers, and inspect
 * workers as real child processes (workers/inspect.ts). Nothing is mocked.
 *
 * - A worker killed with SIGKILL mid-audit: its job is taken back (stalled)
 *   and finished by the next worker, with one report and one verdict count.
 *   Killed on it three times, the audit fails ('worker-lost') rather than
 *   staying 'running' forever.
 * - redis-server killed with SIGKILL and restarted on the same directory:
 *   every accepted audit is still there, the API reconnects (requests, queue,
 *   event subscription) and a worker finishes them all.
 * - SIGTERM with a long grace finishes the audit in flight; with a very short
 *   one the job goes back to the queue without spending an attempt, and a
 *   later worker finishes it.
 * - An artifact that needs more memory than the audit thread may use, and a
 *   time limit shorter than any audit: a report with audit.resource-limit /
 *   audit.timeout, and the worker process lives on.
 *
 * The slow artifact is honest: a wheel with 2,000 identical copies of a
 * native extension (each parsed; the audit warns wheel.duplicate-file), which
 * takes a second or more to audit, so a signal sent once the audit is seen
 * 'running' (its thread reading the wheel) lands mid-job.
 */
import { test, after } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE } from '../../src/queue/jobs.ts';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../src/service/redis.ts';
import { EVENTS_CHANNEL, type AuditEvent } from '../../src/store/records.ts';
import { repoRoot } from '../support/fixture-builder.ts';
import { buildWheel } from '../support/wheel-builder.ts';
import { wheelFixtures } from '../fixtures/wheel.ts';
import { serviceArtifacts, type TestArtifact } from './artifacts.ts';
import { startTestService, type TestService } from './harness.ts';

const M217 = 'cp311-cp311-manylinux_2_17_x86_64';
const SO_NAME = '_ext.cpython-311-x86_64-linux-gnu.so';
const arts = serviceArtifacts();
const so = readFileSync(wheelFixtures()['ext-x86_64-glibc.so']);

/** 2,000 copies of a real extension module, each in its own package: every copy is parsed, so the audit takes a while. */
function slowWheel(name: string): TestArtifact {
  const files: Record<string, Uint8Array | string> = { [`${name}/__init__.py`]: '' };
  for (let i = 0; i < 2000; i++) files[`${name}/p${i}/${SO_NAME}`] = so;
  const w = buildWheel({ name, tag: M217, files });
  return { name: w.filename, bytes: w.bytes, verdict: 'warn', check: 'wheel.duplicate-file' };
}

/**
 * A small wheel (about 2 MB) whose RECORD lists 400,000 files: the audit
 * parses every row (CSV fields, path, decoded digest) and keeps them all to
 * check them against the archive, far more than a 64 MB heap. With the
 * default limit it finishes (a warning for files RECORD lists but the wheel
 * lacks).
 */
function hugeRecordWheel(): TestArtifact {
  const digest = createHash('sha256').update('x').digest('base64url');
  const rows = Array.from({ length: 400_000 }, (_, i) => `hostile/m${i}.py,sha256=${digest},${i}`).join('\n');
  const w = buildWheel({ name: 'hostile', tag: M217, files: { 'hostile/__init__.py': '', [`hostile/${SO_NAME}`]: so }, record: { extraLines: [rows] } });
  return { name: w.filename, bytes: w.bytes, verdict: 'fail', check: 'audit.resource-limit' };
}

// ---------------------------------------------------------------------------
// Worker processes

interface WorkerProcess {
  proc: ChildProcess;
  pid: number;
  /** stdout and stderr so far (pino JSON lines, then anything else). */
  output(): string;
  /** The `msg` of every JSON log line, in order. */
  messages(): string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Signals the worker's process group (it was started detached, as its own group). */
  signal(sig: NodeJS.Signals): void;
}

const children = new Set<ChildProcess>();
after(() => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null && c.pid) {
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

// The test runner's own variable would make a child node think it runs tests.
const { NODE_TEST_CONTEXT: _testContext, ...baseEnv } = process.env;

function startWorker(svc: TestService, env: Record<string, string> = {}): WorkerProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'workers/inspect.ts'], {
    cwd: repoRoot,
    // These tests are about the inspect worker: audits end with their static report (no load worker runs here).
    env: { ...baseEnv, REDIS_URL: `unix://${svc.redis.target.path}`, DISTAUDIT_DATA: svc.dataDir, DISTAUDIT_LOADS: 'off', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    proc,
    pid: proc.pid!,
    output: () => `--- worker ${proc.pid} stdout:\n${out}--- stderr:\n${err}`,
    messages: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => (JSON.parse(l) as { msg?: string }).msg ?? ''),
    exited,
    signal(sig) {
      process.kill(-proc.pid!, sig);
    },
  };
}

/** Waits for the worker to exit (at most `ms`), or fails with its output. */
async function exitOf(w: WorkerProcess, ms = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const timeout = new Promise<null>((r) => setTimeout(() => r(null), ms).unref());
  const result = await Promise.race([w.exited, timeout]);
  if (!result) throw new Error(`worker ${w.pid} did not exit within ${ms} ms\n${w.output()}`);
  return result;
}

// ---------------------------------------------------------------------------
// Helpers

type AuditView = { id: string; state: string; stage: string; verdict: string | null; error: unknown };

async function startService(t: TestContext): Promise<{ svc: TestService; token: string }> {
  // Tests poll fast; the default limit (600 requests a minute per token) would slow them down.
  const svc = await startTestService({ workers: false, config: { rateLimitPerMinute: 1_000_000 } });
  t.after(() => svc.stop());
  const { token } = await svc.project('faults');
  return { svc, token };
}

async function uploadOne(svc: TestService, token: string, a: TestArtifact): Promise<string> {
  const res = await svc.upload(token, [a]);
  assert.equal(res.status, 202, await res.clone().text());
  return ((await res.json()) as { audits: { id: string }[] }).audits[0]!.id;
}

async function auditOf(svc: TestService, token: string, id: string): Promise<AuditView> {
  const res = await svc.call(`/v1/audits/${id}`, token);
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as AuditView;
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, context: () => string = () => '', timeoutMs = 60_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until the audit is seen 'running' with its thread reading the artifact (polling the API), or fails if it finished first. */
async function waitRunning(svc: TestService, token: string, id: string, w: WorkerProcess): Promise<AuditView> {
  return waitFor(
    `audit ${id} to be running`,
    async () => {
      const a = await auditOf(svc, token, id);
      if (a.state === 'done' || a.state === 'failed') throw new Error(`audit ${id} finished (${a.state}) before it was seen running: the artifact is not slow enough\n${w.output()}`);
      return a.state === 'running' && a.stage === 'reading' ? a : null;
    },
    w.output,
  );
}

/** Every event published on da:events, from now on. */
async function recordEvents(svc: TestService): Promise<{ events: AuditEvent[]; close(): void }> {
  const sub = new Redis({ path: svc.redis.target.path });
  await sub.subscribe(EVENTS_CHANNEL);
  const events: AuditEvent[] = [];
  sub.on('message', (_channel: string, message: string) => events.push(JSON.parse(message) as AuditEvent));
  return { events, close: () => sub.disconnect() };
}

const doneEvents = (events: AuditEvent[], id: string) => events.filter((e) => e.kind === 'audit' && e.id === id && e.state === 'done').length;

/** Checks the audit finished once with the artifact's verdict: one report, one verdict counted, one 'done' event. */
async function assertFinishedOnce(svc: TestService, token: string, id: string, a: TestArtifact, countsBefore: Record<string, number>, rec: { events: AuditEvent[] }): Promise<void> {
  const done = await svc.waitAudit(token, id, 60_000);
  assert.equal(done.state, 'done', JSON.stringify(done));
  assert.equal(done.verdict, a.verdict);
  const report = (await (await svc.call(`/v1/audits/${id}/report`, token)).json()) as { findings: { check: string }[]; artifact: { file: string } };
  assert.equal(report.artifact.file, a.name);
  if (a.check) assert.ok(report.findings.some((f) => f.check === a.check), `the report has a ${a.check} finding`);
  const redis = svc.service.ctx.redis;
  assert.deepEqual(await redis.keys('da:report:*'), [`da:report:${id}`]);
  const after = await svc.service.ctx.records.verdictCounts();
  const expected = { ...countsBefore, [a.verdict]: (countsBefore[a.verdict] ?? 0) + 1 };
  assert.deepEqual(after, expected, 'the verdict was counted exactly once');
  // finishAudit publishes after its transaction; give the event a moment to arrive, then make sure no second one follows.
  await waitFor(`the 'done' event of ${id}`, async () => doneEvents(rec.events, id) > 0, () => '', 5000);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(doneEvents(rec.events, id), 1, "exactly one 'done' event");
}

/** The audit's job once BullMQ has it completed (the audit record is done a moment before the job is). */
async function completedJob(svc: TestService, id: string, w: WorkerProcess) {
  return waitFor(
    `job ${id} to be completed`,
    async () => {
      const job = await svc.service.ctx.queues.inspect.getJob(id);
      return job && (await job.getState()) === 'completed' ? job : null;
    },
    w.output,
    10_000,
  );
}

const since = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------------------

test('a worker killed with SIGKILL mid-audit: the job is taken back and finished by the next worker, once', async (t) => {
  const t0 = performance.now();
  const { svc, token } = await startService(t);
  const tuning = { DISTAUDIT_LOCK_S: '2', DISTAUDIT_STALLED_CHECK_S: '1' };
  // The worker boots (a few seconds from source) while the artifact is built.
  const first = startWorker(svc, tuning);
  const slow = slowWheel('killed');
  const rec = await recordEvents(svc);
  t.after(() => rec.close());
  const queueEvents = new QueueEvents(QUEUE.inspect, { connection: { path: svc.redis.target.path } });
  t.after(() => queueEvents.close());
  await queueEvents.waitUntilReady();
  const stalled: string[] = [];
  queueEvents.on('stalled', ({ jobId }) => stalled.push(jobId));
  const countsBefore = await svc.service.ctx.records.verdictCounts();

  const id = await uploadOne(svc, token, slow);
  const running = await waitRunning(svc, token, id, first);
  t.diagnostic(`audit running (${running.stage}) after ${since(t0)}`);
  first.signal('SIGKILL');
  assert.deepEqual(await exitOf(first), { code: null, signal: 'SIGKILL' });
  const mid = await auditOf(svc, token, id);
  assert.equal(mid.state, 'running', `the kill landed mid-audit (the record still says running)\n${first.output()}`);
  assert.equal(await svc.service.ctx.redis.exists(`da:report:${id}`), 0, 'no report was written before the kill');
  t.diagnostic(`first worker killed after ${since(t0)}`);

  const second = startWorker(svc, tuning);
  await waitFor(`BullMQ's 'stalled' event for job ${id}`, async () => stalled.includes(id), second.output);
  t.diagnostic(`job taken back (stalled) after ${since(t0)}`);
  await assertFinishedOnce(svc, token, id, slow, countsBefore, rec);
  t.diagnostic(`audit done on the second worker after ${since(t0)}`);

  const job = await completedJob(svc, id, second);
  assert.equal(job.stalledCounter, 1, 'the job stalled once (the killed worker)');
  assert.equal(job.attemptsStarted, 2, 'it was started twice');
  assert.equal(job.attemptsMade, 1, 'a stall spends no attempt; the completion is the one');
  assert.deepEqual(job.returnvalue, { state: 'done' });
  assert.deepEqual(stalled, [id]);

  second.signal('SIGTERM');
  assert.deepEqual(await exitOf(second), { code: 0, signal: null }, second.output());
  t.diagnostic(`total ${since(t0)}`);
});

test('an audit whose worker dies on it three times fails (the job stalled too often) instead of staying running forever', async (t) => {
  const t0 = performance.now();
  const { svc, token } = await startService(t);
  const tuning = { DISTAUDIT_LOCK_S: '2', DISTAUDIT_STALLED_CHECK_S: '1' };
  let worker = startWorker(svc, tuning);
  const slow = slowWheel('doomed');
  const rec = await recordEvents(svc);
  t.after(() => rec.close());
  const countsBefore = await svc.service.ctx.records.verdictCounts();
  const id = await uploadOne(svc, token, slow);
  // The processor announces each start (stage 'starting'); the record stays 'running' across the kills.
  const starts = () => rec.events.filter((e) => e.id === id && e.stage === 'starting').length;
  for (let kill = 1; kill <= 3; kill++) {
    const w = worker;
    await waitFor(`start ${kill} of audit ${id}`, async () => starts() >= kill, w.output);
    assert.equal(starts(), kill);
    w.signal('SIGKILL');
    assert.deepEqual(await exitOf(w), { code: null, signal: 'SIGKILL' });
    assert.equal((await auditOf(svc, token, id)).state, 'running', `kill ${kill} landed mid-audit\n${w.output()}`);
    t.diagnostic(`kill ${kill} after ${since(t0)}`);
    worker = startWorker(svc, tuning);
  }
  const last = worker;
  const failed = await svc.waitAudit(token, id, 60_000).catch((e: Error) => assert.fail(`${e.message}\n${last.output()}`));
  t.diagnostic(`audit ${failed.state} after ${since(t0)}`);
  assert.equal(failed.state, 'failed', JSON.stringify(failed));
  assert.equal((failed.error as { code: string }).code, 'worker-lost');
  assert.match((failed.error as { message: string }).message, /stalled/);
  assert.equal(starts(), 3, 'the fourth worker did not run it again');
  const report = await svc.call(`/v1/audits/${id}/report`, token);
  assert.equal(report.status, 409);
  assert.equal(((await report.json()) as { error: { code: string } }).error.code, 'audit-failed');
  assert.equal(await svc.service.ctx.redis.exists(`da:report:${id}`), 0);
  assert.deepEqual(await svc.service.ctx.records.verdictCounts(), countsBefore);
  const job = (await svc.service.ctx.queues.inspect.getJob(id))!;
  assert.equal(await job.getState(), 'failed');
  assert.equal(job.stalledCounter, 3);
  last.signal('SIGTERM');
  assert.deepEqual(await exitOf(last), { code: 0, signal: null }, last.output());
});

test('redis-server killed with SIGKILL and restarted: every accepted audit survives, the API reconnects, a worker finishes them all', async (t) => {
  const t0 = performance.now();
  const svc = await startTestService({ workers: false, config: { rateLimitPerMinute: 1_000_000 } });
  let restarted: EmbeddedRedis | null = null;
  t.after(async () => {
    // The harness's stop() knows only the first redis-server; this one is ours.
    await svc.service.stop(5000);
    await restarted?.stop();
    await svc.redis.stop();
    rmSync(svc.dataDir, { recursive: true, force: true });
  });
  const { token } = await svc.project('faults');
  const versions: TestArtifact[] = ['1.1', '1.2', '1.3', '1.4', '1.5'].map((version) => {
    const w = buildWheel({ tag: M217, version, files: { 'demo/__init__.py': '', [`demo/${SO_NAME}`]: so } });
    return { name: w.filename, bytes: w.bytes, verdict: 'pass' };
  });
  const accepted: TestArtifact[] = [arts.wheel, arts.wheelTooNew, arts.jar, arts.npm, arts.node, ...versions];
  const ids: string[] = [];
  for (const a of accepted) ids.push(await uploadOne(svc, token, a));
  assert.equal(new Set(ids).size, accepted.length);
  t.diagnostic(`${ids.length} audits accepted after ${since(t0)}`);

  const old = svc.redis.process;
  old.kill('SIGKILL');
  await once(old, 'exit');
  const down = await fetch(`${svc.url}/readyz`);
  assert.equal(down.status, 503, 'readyz notices that Redis is gone');
  // A request that needs Redis is answered at once, 503 with a JSON error, instead of hanging until it is back.
  const askedAt = Date.now();
  const unavailable = await fetch(`${svc.url}/v1/audits`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  assert.equal(unavailable.status, 503);
  assert.equal(((await unavailable.json()) as { error: { code: string } }).error.code, 'unavailable');
  assert.ok(Date.now() - askedAt < 5000, `answered in ${Date.now() - askedAt} ms`);
  restarted = await startEmbeddedRedis(svc.redisDir);
  assert.equal(restarted.target.path, svc.redis.target.path);
  t.diagnostic(`redis-server restarted after ${since(t0)}`);
  await waitFor('readyz to answer 200 again', async () => (await fetch(`${svc.url}/readyz`)).status === 200, () => '', 30_000, 100);
  t.diagnostic(`API ready again after ${since(t0)}`);

  // The records and the jobs came back from the AOF.
  for (const id of ids) assert.equal((await auditOf(svc, token, id)).state, 'queued', id);
  const counts = await svc.service.ctx.queues.inspect.getJobCounts('wait', 'active', 'delayed', 'completed', 'failed');
  assert.deepEqual(counts, { wait: ids.length, active: 0, delayed: 0, completed: 0, failed: 0 });
  // The API's queue connection takes new work too.
  const late: TestArtifact = { ...arts.node, name: 'late.node' };
  accepted.push(late);
  ids.push(await uploadOne(svc, token, late));
  // The API's event subscription came back: a stream opened now (its first event, the state, is sent once it listens) ends with the audit's 'done'.
  const sse = await svc.call(`/v1/audits/${ids[0]}/events`, token, { signal: AbortSignal.timeout(90_000) });
  assert.equal(sse.status, 200);
  const stream = sse.text().catch((e: Error) => `the event stream opened after the restart did not end: ${e.message}`);

  // Three audits at a time, so the eleven finish sooner.
  const worker = startWorker(svc, { DISTAUDIT_WORKER_CONCURRENCY: '3' });
  for (const [i, id] of ids.entries()) {
    const done = await svc.waitAudit(token, id, 60_000).catch((e: Error) => assert.fail(`${e.message}\n${worker.output()}`));
    assert.equal(done.state, 'done', `${accepted[i]!.name}: ${JSON.stringify(done)}`);
    assert.equal(done.verdict, accepted[i]!.verdict, accepted[i]!.name);
    assert.equal(await svc.service.ctx.redis.exists(`da:report:${id}`), 1, `${accepted[i]!.name} has its own report`);
    assert.equal((await svc.call(`/v1/audits/${id}/report`, token)).status, 200);
  }
  t.diagnostic(`all ${ids.length} audits done after ${since(t0)}`);
  const events = await stream;
  assert.match(events, /^event: state\n/);
  assert.match(events, /event: done\ndata: \{[^\n]*"state":"done"/);

  worker.signal('SIGTERM');
  assert.deepEqual(await exitOf(worker), { code: 0, signal: null }, worker.output());
});

test('SIGTERM with a long grace: the worker finishes the audit in flight, then exits 0', async (t) => {
  const t0 = performance.now();
  const { svc, token } = await startService(t);
  const worker = startWorker(svc, { DISTAUDIT_SHUTDOWN_GRACE_S: '60' });
  const slow = slowWheel('graceful');
  const rec = await recordEvents(svc);
  t.after(() => rec.close());
  const countsBefore = await svc.service.ctx.records.verdictCounts();
  const id = await uploadOne(svc, token, slow);
  await waitRunning(svc, token, id, worker);
  worker.signal('SIGTERM');
  t.diagnostic(`SIGTERM sent mid-audit after ${since(t0)}`);
  assert.deepEqual(await exitOf(worker, 60_000), { code: 0, signal: null }, worker.output());
  t.diagnostic(`worker exited after ${since(t0)}`);

  // Finished before the process exited, not by anyone else.
  assert.equal((await auditOf(svc, token, id)).state, 'done');
  const log = worker.messages();
  const at = (m: string) => log.indexOf(m);
  assert.ok(at('stopping: finishing in-flight jobs') >= 0, worker.output());
  assert.ok(at('stopping: finishing in-flight jobs') < at('job done') && at('job done') < at('stopped'), `the job finished after SIGTERM and before the exit\n${worker.output()}`);
  await assertFinishedOnce(svc, token, id, slow, countsBefore, rec);
  const job = (await svc.service.ctx.queues.inspect.getJob(id))!;
  assert.equal(await job.getState(), 'completed', 'completed before the worker exited');
  assert.equal(job.attemptsStarted, 1);
  assert.equal(job.attemptsMade, 1);
  assert.equal(job.stalledCounter, 0);
});

test('SIGTERM with a very short grace: the audit goes back to the queue without spending an attempt; a later worker finishes it', async (t) => {
  const t0 = performance.now();
  const { svc, token } = await startService(t);
  const first = startWorker(svc, { DISTAUDIT_SHUTDOWN_GRACE_S: '0.1' });
  const slow = slowWheel('returned');
  const rec = await recordEvents(svc);
  t.after(() => rec.close());
  const countsBefore = await svc.service.ctx.records.verdictCounts();
  const id = await uploadOne(svc, token, slow);
  await waitRunning(svc, token, id, first);
  first.signal('SIGTERM');
  t.diagnostic(`SIGTERM sent mid-audit after ${since(t0)}`);
  assert.deepEqual(await exitOf(first), { code: 0, signal: null }, first.output());
  t.diagnostic(`first worker exited after ${since(t0)}`);

  const back = await auditOf(svc, token, id);
  assert.equal(back.state, 'queued', `the audit is queued again\n${first.output()}`);
  assert.equal(back.stage, 'queued');
  assert.equal(await svc.service.ctx.redis.exists(`da:report:${id}`), 0);
  assert.deepEqual(await svc.service.ctx.records.verdictCounts(), countsBefore);
  const log = first.messages();
  assert.ok(!log.includes('job done') && !log.includes('job failed'), `the job neither finished nor failed on the first worker\n${first.output()}`);
  const returned = (await svc.service.ctx.queues.inspect.getJob(id))!;
  assert.ok(['delayed', 'waiting'].includes(await returned.getState()), await returned.getState());
  assert.equal(returned.attemptsMade, 0, 'returning the job spent no attempt');

  const second = startWorker(svc);
  await assertFinishedOnce(svc, token, id, slow, countsBefore, rec).catch((e: Error) => assert.fail(`${e.message}\n${second.output()}`));
  t.diagnostic(`audit done on the second worker after ${since(t0)}`);
  const job = await completedJob(svc, id, second);
  assert.equal(job.attemptsStarted, 2);
  assert.equal(job.attemptsMade, 1, 'one attempt of three spent');
  assert.equal(job.stalledCounter, 0);
  second.signal('SIGTERM');
  assert.deepEqual(await exitOf(second), { code: 0, signal: null }, second.output());
});

test('an audit that exceeds the thread memory limit reports audit.resource-limit, and the same worker process audits the next artifact', async (t) => {
  const t0 = performance.now();
  const { svc, token } = await startService(t);
  const worker = startWorker(svc, { DISTAUDIT_AUDIT_MEMORY_MB: '64' });
  const hostile = hugeRecordWheel();
  const id = await uploadOne(svc, token, hostile);
  const done = await svc.waitAudit(token, id, 60_000);
  t.diagnostic(`hostile audit done after ${since(t0)}`);
  assert.equal(done.state, 'done', `${JSON.stringify(done)}\n${worker.output()}`);
  assert.equal(done.verdict, 'fail');
  const report = (await (await svc.call(`/v1/audits/${id}/report`, token)).json()) as { findings: { check: string; message: string }[] };
  assert.deepEqual(
    report.findings.map((f) => f.check),
    ['audit.resource-limit'],
  );
  assert.match(report.findings[0]!.message, /more than 64 MB/);

  const normal = await uploadOne(svc, token, arts.wheel);
  const fine = await svc.waitAudit(token, normal, 60_000);
  assert.equal(fine.state, 'done', `${JSON.stringify(fine)}\n${worker.output()}`);
  assert.equal(fine.verdict, arts.wheel.verdict);
  t.diagnostic(`normal audit done after ${since(t0)}`);
  assert.equal(worker.proc.exitCode, null, 'the worker process is still running');
  assert.equal(worker.proc.signalCode, null);
  await waitFor("the worker's second 'job done'", async () => worker.messages().filter((m) => m === 'job done').length === 2, worker.output, 10_000);
  worker.signal('SIGTERM');
  assert.deepEqual(await exitOf(worker), { code: 0, signal: null }, worker.output());
});

test('an audit that exceeds the time limit (DISTAUDIT_AUDIT_TIMEOUT_S=0.05) reports audit.timeout, and the worker lives on', async (t) => {
  const t0 = performance.now();
  const { svc, token } = await startService(t);
  const worker = startWorker(svc, { DISTAUDIT_AUDIT_TIMEOUT_S: '0.05' });
  const ids = [await uploadOne(svc, token, arts.jar), await uploadOne(svc, token, arts.npm)];
  for (const id of ids) {
    const done = await svc.waitAudit(token, id, 60_000);
    assert.equal(done.state, 'done', `${JSON.stringify(done)}\n${worker.output()}`);
    assert.equal(done.verdict, 'fail');
    const report = (await (await svc.call(`/v1/audits/${id}/report`, token)).json()) as { findings: { check: string }[] };
    assert.deepEqual(
      report.findings.map((f) => f.check),
      ['audit.timeout'],
    );
  }
  t.diagnostic(`both audits timed out after ${since(t0)}`);
  assert.equal(worker.proc.exitCode, null, 'the worker process is still running');
  worker.signal('SIGTERM');
  assert.deepEqual(await exitOf(worker), { code: 0, signal: null }, worker.output());
});
