/**
 * A real service for tests: a real redis-server started here (on a unix
 * socket in a temporary directory, AOF on), the API on a free port, and
 * in-process workers unless a test runs its own. Nothing is mocked. If
 * redis-server is missing the harness throws, so the tests fail loudly
 * (.ci/run installs it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromEnv, type ServiceConfig } from '../../src/service/config.ts';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../src/service/redis.ts';
import { startService, type RunningService } from '../../src/service/serve.ts';
import type { WorkerTuning } from '../../src/jobs/inspect.ts';
import { sign } from '../../src/service/signature.ts';

export const ADMIN_TOKEN = 'test-admin-token';

/** The fields of an audit's JSON the tests look at. */
export interface FinishedAudit {
  id: string;
  state: string;
  verdict: string | null;
  error: { code: string; message: string } | null;
  reusedFrom: string | null;
  sha256: string | null;
  [field: string]: unknown;
}

export interface TestService {
  url: string;
  dataDir: string;
  redisDir: string;
  redis: EmbeddedRedis;
  service: RunningService;
  /** Creates a project; answers its token and webhook secret. */
  project(name: string, settings?: { callbackUrl?: string; allowedOrigins?: string[] }): Promise<{ token: string; secret: string }>;
  /** fetch() against the service with a bearer token. */
  call(path: string, token: string | null, init?: RequestInit): Promise<Response>;
  upload(token: string, files: { name: string; bytes: Uint8Array }[], query?: string): Promise<Response>;
  /** Polls an audit until it is done or failed. */
  waitAudit(token: string, id: string, timeoutMs?: number): Promise<FinishedAudit>;
  /** POST /v1/releases with the files, a name and optionally the previous release. */
  uploadRelease(token: string, name: string, files: { name: string; bytes: Uint8Array }[], previous?: string): Promise<Response>;
  /** Polls a release until it is no longer running. */
  waitRelease(token: string, id: string, timeoutMs?: number): Promise<{ id: string; state: string; verdict: string | null; previous: string | null }>;
  stop(): Promise<void>;
}

export async function startTestService(
  options: { workers?: boolean; tuning?: WorkerTuning; config?: Partial<ServiceConfig>; env?: Record<string, string> } = {},
): Promise<TestService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'distaudit-service-'));
  const redisDir = join(dataDir, 'redis');
  const redis = await startEmbeddedRedis(redisDir);
  const config = configFromEnv(
    { DISTAUDIT_DATA: dataDir, ...options.env },
    { port: 0, redisUrl: `unix://${redis.target.path}`, adminToken: ADMIN_TOKEN, inProcessWorkers: options.workers ?? true, loads: null, ...options.config },
  );
  const service = await startService(config, { logger: false, tuning: options.tuning });
  const url = service.url;
  const call = (path: string, token: string | null, init: RequestInit = {}) =>
    fetch(url + path, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers } });
  const poll = async <T extends { state: string }>(path: string, token: string, pick: (body: unknown) => T, running: (state: string) => boolean, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const x = pick(await (await call(path, token)).json());
      if (!running(x.state)) return x;
      if (Date.now() > deadline) throw new Error(`${path} still ${x.state} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const t: TestService = {
    url,
    dataDir,
    redisDir,
    redis,
    service,
    call,
    async project(name, settings = {}) {
      const res = await call('/v1/projects', ADMIN_TOKEN, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, ...settings }) });
      if (res.status !== 201) throw new Error(`creating project ${name}: HTTP ${res.status} ${await res.text()}`);
      const j = (await res.json()) as { token: string; webhookSecret: string };
      return { token: j.token, secret: j.webhookSecret };
    },
    upload(token, files, query = '') {
      const form = new FormData();
      for (const f of files) form.append('file', new Blob([f.bytes]), f.name);
      return call(`/v1/audits${query}`, token, { method: 'POST', body: form });
    },
    waitAudit(token, id, timeoutMs = 60_000) {
      return poll(`/v1/audits/${id}`, token, (b) => b as FinishedAudit, (s) => s !== 'done' && s !== 'failed', timeoutMs);
    },
    uploadRelease(token, name, files, previous) {
      const form = new FormData();
      form.append('name', name);
      if (previous) form.append('previous', previous);
      for (const f of files) form.append('file', new Blob([f.bytes]), f.name);
      return call('/v1/releases', token, { method: 'POST', body: form });
    },
    waitRelease(token, id, timeoutMs = 60_000) {
      type R = { id: string; state: string; verdict: string | null; previous: string | null };
      return poll(`/v1/releases/${id}`, token, (b) => (b as { release: R }).release, (s) => s === 'running', timeoutMs);
    },
    async stop() {
      await service.stop(5000);
      await redis.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Headers of a correctly signed webhook delivery. */
export function webhookHeaders(project: string, secret: string, body: string, extra: Record<string, string> = {}, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-distaudit-project': project,
    'x-distaudit-timestamp': String(timestamp),
    'x-distaudit-signature': sign(secret, timestamp, body),
    ...extra,
  };
}
