/**
 * Audit, release and project records in Redis: the lasting state of the
 * service. Jobs in the queues are only work orders that point here.
 *
 * Keys (all under the `da:` prefix):
 *   project:<name>            hash   the project (webhook secret, callback URL, allowed origins)
 *   token:<sha256(token)>     string the project an API token belongs to (tokens are stored hashed)
 *   audit:<id>                hash   one audit: state, progress, verdict
 *   report:<id>               string the audit's report (JSON)
 *   result:<project>:<sha256>:<name>:<tool version>  string  the audit whose report those bytes got (reuse)
 *   release:<id>              hash   several audits judged together
 *   release-report:<id>       string the release report (JSON)
 *   project:<name>:audits / :releases  zset  ids by creation time (the project's index)
 *   idem:<project>:<key>      string a webhook's answer, kept for its idempotency key (24 h)
 *   sig:<signature>           string a webhook signature already used (replay guard)
 *   stats:verdicts            hash   verdict → count of finished audits
 * Every change of an audit or release is also published on `da:events`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Report, Verdict } from '../report/schema.ts';
import type { ReleaseReport } from '../release/schema.ts';

export const EVENTS_CHANNEL = 'da:events';

export type AuditState = 'queued' | 'running' | 'done' | 'failed';
export const TERMINAL: ReadonlySet<string> = new Set(['done', 'failed']);

export interface Counts {
  errors: number;
  warnings: number;
  infos: number;
}

export interface AuditRecord {
  id: string;
  project: string;
  file: string;
  /** Null until the bytes are in the blob store (a webhook upload by URL). */
  sha256: string | null;
  size: number | null;
  /** The URL a webhook named, when the bytes came from there. */
  url: string | null;
  via: 'upload' | 'webhook';
  state: AuditState;
  /** What the worker is doing: 'queued', 'fetching', 'reading', 'checking', 'done'. */
  stage: string;
  /** 0 to 1. */
  progress: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  verdict: Verdict | null;
  counts: Counts | null;
  /** The audit whose report this one reuses (same bytes and name, same distaudit version). */
  reusedFrom: string | null;
  error: { code: string; message: string } | null;
  release: string | null;
}

export type ReleaseState = 'running' | 'done' | 'failed';

export interface ReleaseRecord {
  id: string;
  project: string;
  name: string;
  audits: string[];
  previous: string | null;
  state: ReleaseState;
  /** Audits not yet finished. */
  pending: number;
  createdAt: number;
  finishedAt: number | null;
  verdict: Verdict | null;
  counts: Counts | null;
}

export interface Project {
  name: string;
  createdAt: number;
  /** Signs webhooks and callbacks (HMAC-SHA256); kept as is, since verifying needs it. */
  webhookSecret: string;
  callbackUrl: string | null;
  /** Origins ('https://ci.example.com') a webhook may name artifact URLs on, beside the server-wide ones. */
  allowedOrigins: string[];
}

export interface AuditEvent {
  kind: 'audit' | 'release';
  id: string;
  project: string;
  state: string;
  stage?: string;
  progress?: number;
  verdict?: Verdict | null;
  /** For finished audits: how long the work took. */
  durationMs?: number;
}

const IDEMPOTENCY_TTL_S = 24 * 3600;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Hash fields are JSON-encoded one by one, so partial updates stay atomic. */
function encode(o: object): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, JSON.stringify(v ?? null)]));
}
function decode<T>(h: Record<string, string>): T | null {
  if (Object.keys(h).length === 0) return null;
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, JSON.parse(v)])) as T;
}

export class Records {
  constructor(readonly redis: Redis) {}

  // Projects and tokens

  async createProject(name: string, options: { callbackUrl?: string | null; allowedOrigins?: string[] } = {}): Promise<{ project: Project; token: string } | null> {
    const project: Project = {
      name,
      createdAt: Date.now(),
      webhookSecret: randomBytes(32).toString('base64url'),
      callbackUrl: options.callbackUrl ?? null,
      allowedOrigins: options.allowedOrigins ?? [],
    };
    const created = await this.redis.hsetnx(`da:project:${name}`, 'name', JSON.stringify(name));
    if (!created) return null;
    await this.redis.hset(`da:project:${name}`, encode(project));
    return { project, token: await this.issueToken(name) };
  }

  async updateProject(name: string, patch: Partial<Pick<Project, 'callbackUrl' | 'allowedOrigins'>>): Promise<Project | null> {
    if (!(await this.project(name))) return null;
    if (Object.keys(patch).length > 0) await this.redis.hset(`da:project:${name}`, encode(patch));
    return this.project(name);
  }

  async project(name: string): Promise<Project | null> {
    return decode<Project>(await this.redis.hgetall(`da:project:${name}`));
  }

  /** Origins the project's webhooks may name artifact URLs on: the server-wide ones and its own. */
  async fetchOrigins(project: string, serverWide: readonly string[]): Promise<string[]> {
    return [...serverWide, ...((await this.project(project))?.allowedOrigins ?? [])];
  }

  async projectNames(): Promise<string[]> {
    const keys = await this.redis.keys('da:project:*');
    return keys.filter((k) => !k.slice('da:project:'.length).includes(':')).map((k) => k.slice('da:project:'.length)).sort();
  }

  /** A new API token for the project; only its hash is stored. */
  async issueToken(project: string): Promise<string> {
    const token = `dat_${randomBytes(32).toString('base64url')}`;
    await this.redis.set(`da:token:${hashToken(token)}`, project);
    return token;
  }

  async projectOfToken(token: string): Promise<string | null> {
    return this.redis.get(`da:token:${hashToken(token)}`);
  }

  // Audits

  newAudit(init: Pick<AuditRecord, 'project' | 'file' | 'sha256' | 'size' | 'url' | 'via'> & { release?: string | null }): AuditRecord {
    return {
      id: randomUUID(),
      ...init,
      state: 'queued',
      stage: 'queued',
      progress: 0,
      createdAt: Date.now(),
      startedAt: null,
      finishedAt: null,
      verdict: null,
      counts: null,
      reusedFrom: null,
      error: null,
      release: init.release ?? null,
    };
  }

  async saveAudit(a: AuditRecord): Promise<void> {
    await this.redis.multi().hset(`da:audit:${a.id}`, encode(a)).zadd(`da:project:${a.project}:audits`, a.createdAt, a.id).exec();
  }

  async audit(id: string): Promise<AuditRecord | null> {
    return decode<AuditRecord>(await this.redis.hgetall(`da:audit:${id}`));
  }

  /** Updates some fields and publishes the change. */
  async updateAudit(a: AuditRecord, patch: Partial<AuditRecord>, extra: Partial<AuditEvent> = {}): Promise<AuditRecord> {
    Object.assign(a, patch);
    await this.redis.hset(`da:audit:${a.id}`, encode(patch));
    await this.publish({ kind: 'audit', id: a.id, project: a.project, state: a.state, stage: a.stage, progress: a.progress, verdict: a.verdict, ...extra });
    return a;
  }

  async recentAudits(project: string, limit: number): Promise<AuditRecord[]> {
    const ids = await this.redis.zrevrange(`da:project:${project}:audits`, 0, limit - 1);
    return (await Promise.all(ids.map((id) => this.audit(id)))).filter((a): a is AuditRecord => a !== null);
  }

  /** The report an audit has, its own or the one it reuses. */
  async report(a: AuditRecord): Promise<Report | null> {
    const json = await this.redis.get(`da:report:${a.reusedFrom ?? a.id}`);
    return json === null ? null : (JSON.parse(json) as Report);
  }

  /** Keeps the static report of an audit that goes on to real loads (the load worker reads it back and finishes the audit). */
  async stashReport(a: AuditRecord, report: Report): Promise<void> {
    await this.redis.set(`da:static:${a.id}`, JSON.stringify(report), 'EX', 7 * 24 * 3600);
  }

  async stashedReport(a: AuditRecord): Promise<Report | null> {
    const json = await this.redis.get(`da:static:${a.id}`);
    return json === null ? null : (JSON.parse(json) as Report);
  }

  /**
   * Marks an audit done with its report, in one transaction: the report, the
   * state, the reuse index and the verdict count are written together.
   */
  async finishAudit(a: AuditRecord, report: Report, resultKey: string | null, durationMs: number): Promise<AuditRecord> {
    const { errors, warnings, infos } = report.overall;
    const patch: Partial<AuditRecord> = {
      state: 'done',
      stage: 'done',
      progress: 1,
      finishedAt: Date.now(),
      verdict: report.overall.verdict,
      counts: { errors, warnings, infos },
      sha256: report.artifact.sha256 || a.sha256,
      size: report.artifact.size,
    };
    Object.assign(a, patch);
    const m = this.redis
      .multi()
      .set(`da:report:${a.id}`, JSON.stringify(report))
      .hset(`da:audit:${a.id}`, encode(patch))
      .hincrby('da:stats:verdicts', report.overall.verdict, 1)
      .del(`da:static:${a.id}`);
    if (resultKey) m.set(resultKey, a.id);
    await m.exec();
    await this.publish({ kind: 'audit', id: a.id, project: a.project, state: 'done', stage: 'done', progress: 1, verdict: a.verdict, durationMs });
    return a;
  }

  /** Marks an audit done by reusing an earlier audit's report of the same bytes. */
  async reuseAudit(a: AuditRecord, from: AuditRecord): Promise<AuditRecord> {
    const patch: Partial<AuditRecord> = { state: 'done', stage: 'done', progress: 1, finishedAt: Date.now(), verdict: from.verdict, counts: from.counts, reusedFrom: from.reusedFrom ?? from.id, sha256: from.sha256, size: from.size };
    // Like finishAudit: the state and the verdict count in one transaction, so a job run again cannot count twice.
    Object.assign(a, patch);
    await this.redis.multi().hset(`da:audit:${a.id}`, encode(patch)).hincrby('da:stats:verdicts', from.verdict ?? 'fail', 1).exec();
    await this.publish({ kind: 'audit', id: a.id, project: a.project, state: 'done', stage: 'done', progress: 1, verdict: a.verdict, durationMs: 0 });
    return a;
  }

  /** Reuse stays within a project: another project must not learn that these bytes were audited. */
  resultKey(project: string, sha256: string, file: string, toolVersion: string): string {
    return `da:result:${project}:${sha256}:${createHash('sha256').update(file).digest('hex').slice(0, 32)}:${toolVersion}`;
  }

  /** The finished audit whose report the same bytes under the same name got, if any. */
  async priorResult(key: string): Promise<AuditRecord | null> {
    const id = await this.redis.get(key);
    const a = id ? await this.audit(id) : null;
    return a?.state === 'done' ? a : null;
  }

  async verdictCounts(): Promise<Record<string, number>> {
    const h = await this.redis.hgetall('da:stats:verdicts');
    return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Number(v)]));
  }

  // Releases

  newRelease(init: Pick<ReleaseRecord, 'project' | 'name' | 'audits' | 'previous'> & { id?: string }): ReleaseRecord {
    return { id: init.id ?? randomUUID(), ...init, state: 'running', pending: init.audits.length, createdAt: Date.now(), finishedAt: null, verdict: null, counts: null };
  }

  async saveRelease(r: ReleaseRecord): Promise<void> {
    await this.redis.multi().hset(`da:release:${r.id}`, encode(r)).zadd(`da:project:${r.project}:releases`, r.createdAt, r.id).exec();
  }

  async release(id: string): Promise<ReleaseRecord | null> {
    return decode<ReleaseRecord>(await this.redis.hgetall(`da:release:${id}`));
  }

  async recentReleases(project: string, limit: number): Promise<ReleaseRecord[]> {
    const ids = await this.redis.zrevrange(`da:project:${project}:releases`, 0, limit - 1);
    return (await Promise.all(ids.map((id) => this.release(id)))).filter((r): r is ReleaseRecord => r !== null);
  }

  /**
   * Counts one of the release's audits as finished (once per audit, however
   * often its job runs); true for the call that finished the last one.
   */
  async releaseAuditFinished(releaseId: string, auditId: string): Promise<boolean> {
    const first = await this.redis.sadd(`da:release:${releaseId}:finished`, auditId);
    if (first === 0) return false;
    const [count, total] = await Promise.all([this.redis.scard(`da:release:${releaseId}:finished`), this.release(releaseId).then((r) => r?.audits.length ?? 0)]);
    const pending = Math.max(0, total - count);
    await this.redis.hset(`da:release:${releaseId}`, 'pending', JSON.stringify(pending));
    return pending === 0;
  }

  async finishRelease(r: ReleaseRecord, report: ReleaseReport | null, error: { code: string; message: string } | null = null): Promise<void> {
    const patch: Partial<ReleaseRecord> = {
      state: report ? 'done' : 'failed',
      pending: 0,
      finishedAt: Date.now(),
      verdict: report?.overall.verdict ?? 'fail',
      counts: report ? { errors: report.overall.errors, warnings: report.overall.warnings, infos: report.overall.infos } : null,
    };
    Object.assign(r, patch);
    const m = this.redis.multi().hset(`da:release:${r.id}`, encode({ ...patch, ...(error ? { error } : {}) }));
    if (report) m.set(`da:release-report:${r.id}`, JSON.stringify(report));
    await m.exec();
    await this.publish({ kind: 'release', id: r.id, project: r.project, state: r.state, verdict: r.verdict });
  }

  async releaseReport(id: string): Promise<ReleaseReport | null> {
    const json = await this.redis.get(`da:release-report:${id}`);
    return json === null ? null : (JSON.parse(json) as ReleaseReport);
  }

  // Webhook bookkeeping

  /** Claims a webhook signature; false when it was used before (a replay). */
  async claimSignature(signature: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(`da:sig:${signature}`, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  private idemKey(project: string, key: string): string {
    return `da:idem:${project}:${createHash('sha256').update(key).digest('hex')}`;
  }

  /**
   * Reserves an idempotency key for a request with this body: null when the
   * key is now ours; otherwise what the first request stored (its body's hash,
   * and its answer, or null while it is still being handled).
   */
  async reserveIdempotent(project: string, key: string, bodySha256: string): Promise<{ bodySha256: string; answer: unknown } | null> {
    const k = this.idemKey(project, key);
    if ((await this.redis.set(k, JSON.stringify({ bodySha256, answer: null }), 'EX', IDEMPOTENCY_TTL_S, 'NX')) === 'OK') return null;
    const json = await this.redis.get(k);
    return json === null ? null : JSON.parse(json);
  }

  async completeIdempotent(project: string, key: string, bodySha256: string, answer: unknown): Promise<void> {
    await this.redis.set(this.idemKey(project, key), JSON.stringify({ bodySha256, answer }), 'EX', IDEMPOTENCY_TTL_S);
  }

  /** Frees a key whose request failed before it was accepted, so a retry can use it. */
  async forgetIdempotent(project: string, key: string): Promise<void> {
    await this.redis.del(this.idemKey(project, key));
  }

  async publish(e: AuditEvent): Promise<void> {
    await this.redis.publish(EVENTS_CHANNEL, JSON.stringify(e));
  }
}
