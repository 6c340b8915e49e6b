/**
 * `distaudit submit`: uploads artifacts to a distaudit service, shows
 * progress while the workers audit them, waits for the verdict and fetches
 * the report, so a CI step can gate on the exit code as with `audit`.
 */
import { openAsBlob, statSync } from 'node:fs';
import { basename } from 'node:path';
import { render, type Format } from '../report/render.ts';
import type { Report } from '../report/schema.ts';
import { renderRelease } from '../release/render.ts';
import type { ReleaseReport } from '../release/schema.ts';
import { ALL_CHECKS } from '../rules/index.ts';

export interface SubmitOptions {
  server: string;
  token: string;
  files: string[];
  /** Judge the files as one release with this name. */
  release: string | null;
  previous: string | null;
  rerun: boolean;
  /** As `audit` (or `release` with a release name) renders it. */
  format: string;
  timeoutMs: number;
  /** Draw a progress bar (a terminal) or print stage changes (a log). */
  progress: 'bar' | 'lines' | 'none';
}

export interface SubmitResult {
  text: string;
  /** One entry per audit (or one for the release). */
  overall: { verdict: string; errors: number; warnings: number }[];
}

export class SubmitError extends Error {
  constructor(
    message: string,
    /** 1: the audit itself failed (the gate fails); 2: the request could not be made. */
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

interface AuditView {
  id: string;
  file: string;
  state: string;
  stage: string;
  progress: number;
  verdict: string | null;
  counts: { errors: number; warnings: number; infos: number } | null;
  error: { code: string; message: string } | null;
}

class Client {
  constructor(
    private readonly server: string,
    private readonly token: string,
  ) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.server), { ...init, headers: { authorization: `Bearer ${this.token}`, ...init.headers } });
    } catch (e) {
      const cause = (e as Error).cause as Error | undefined;
      throw new SubmitError(`cannot reach ${this.server}: ${cause?.message ?? (e as Error).message}`, 2);
    }
    if (!res.ok) {
      const body = await res.text();
      let message = body;
      try {
        message = (JSON.parse(body) as { error: { message: string } }).error.message;
      } catch {
        /* not our JSON error: show the text */
      }
      throw new SubmitError(`${init.method ?? 'GET'} ${path}: HTTP ${res.status}: ${message}`, 2);
    }
    return res;
  }

  async json<T>(path: string, init?: RequestInit): Promise<T> {
    return (await (await this.request(path, init)).json()) as T;
  }
}

function bar(views: AuditView[]): string {
  const done = views.reduce((s, v) => s + (v.state === 'done' || v.state === 'failed' ? 1 : v.progress), 0) / views.length;
  const width = 30;
  const filled = Math.round(done * width);
  const current = views.find((v) => v.state !== 'done' && v.state !== 'failed');
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(done * 100)).padStart(3)}%  ${current ? `${current.stage} ${current.file}` : 'done'}`;
}

export async function submit(o: SubmitOptions, log: (s: string) => void, draw: (s: string) => void): Promise<SubmitResult> {
  const client = new Client(o.server, o.token);
  const form = new FormData();
  for (const f of o.files) {
    if (!statSync(f, { throwIfNoEntry: false })?.isFile()) throw new SubmitError(`${f}: no such file`, 2);
    form.append('file', await openAsBlob(f), basename(f));
  }
  if (o.release) form.append('name', o.release);
  if (o.previous) form.append('previous', o.previous);
  if (o.rerun) form.append('rerun', 'true');

  const answer = await client.json<{ audits: AuditView[]; release?: { id: string } }>(o.release ? '/v1/releases' : '/v1/audits', { method: 'POST', body: form });
  let views = answer.audits;
  if (o.progress !== 'none') log(`submitted ${views.length} artifact${views.length === 1 ? '' : 's'}${answer.release ? ` as release ${answer.release.id}` : ''}: ${views.map((v) => v.id).join(', ')}`);

  const deadline = Date.now() + o.timeoutMs;
  const seen = new Map<string, string>();
  for (;;) {
    views = await Promise.all(views.map((v) => (v.state === 'done' || v.state === 'failed' ? v : client.json<AuditView>(`/v1/audits/${v.id}`))));
    if (o.progress === 'bar') draw(bar(views));
    else if (o.progress === 'lines') {
      for (const v of views) {
        const s = v.state === 'done' ? `done: ${v.verdict}` : v.state === 'failed' ? 'failed' : v.stage;
        if (seen.get(v.id) !== s) log(`${v.file}: ${s}`);
        seen.set(v.id, s);
      }
    }
    if (views.every((v) => v.state === 'done' || v.state === 'failed')) break;
    if (Date.now() > deadline) throw new SubmitError(`no verdict within ${Math.round(o.timeoutMs / 1000)} s; the audits go on: ${views.map((v) => `${o.server}/v1/audits/${v.id}`).join(' ')}`, 2);
    await new Promise((r) => setTimeout(r, 300));
  }
  if (o.progress === 'bar') draw('');

  const failed = views.filter((v) => v.state === 'failed');
  if (failed.length > 0) throw new SubmitError(failed.map((v) => `${v.file}: the audit failed: ${v.error?.message ?? 'unknown error'}`).join('\n'), 1);

  if (answer.release) {
    const rid = answer.release.id;
    for (;;) {
      const r = await client.json<{ release: { state: string; verdict: string | null; counts: { errors: number; warnings: number } | null } }>(`/v1/releases/${rid}`);
      if (r.release.state === 'failed') throw new SubmitError(`release ${rid} could not be judged`, 1);
      if (r.release.state === 'done') {
        const report = await client.json<ReleaseReport>(`/v1/releases/${rid}/report?format=json`);
        return { text: renderRelease(report, o.format as 'text' | 'json' | 'markdown'), overall: [{ verdict: r.release.verdict ?? 'fail', errors: r.release.counts?.errors ?? 0, warnings: r.release.counts?.warnings ?? 0 }] };
      }
      if (Date.now() > deadline) throw new SubmitError(`release ${rid} was not judged within the time limit`, 2);
      await new Promise((res) => setTimeout(res, 300));
    }
  }
  // The same rendering as `distaudit audit`, from the service's JSON reports.
  const reports = await Promise.all(views.map((v) => client.json<Report>(`/v1/audits/${v.id}/report?format=json`)));
  return { text: render(reports, o.format as Format, ALL_CHECKS), overall: views.map((v) => ({ verdict: v.verdict ?? 'fail', errors: v.counts?.errors ?? 0, warnings: v.counts?.warnings ?? 0 })) };
}
