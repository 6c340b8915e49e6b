/**
 * The notify worker: POSTs a finished audit's or release's verdict to the
 * project's callback URL, signed like the webhook (signature.ts), so the CI
 * system that asked can trust the answer. A refused or failed delivery
 * throws, and BullMQ retries it with exponential backoff.
 */
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { QUEUE, type NotifyJob } from '../queue/jobs.ts';
import type { Records } from '../store/records.ts';
import { signedHeaders } from '../service/signature.ts';

export interface NotifyDeps {
  records: Records;
  /** The service's own base URL, for links in the callback ('http://distaudit.internal:8080'). */
  publicUrl: string;
  timeoutMs: number;
}

/** The callback's body: what CI needs to gate on, and where the full report is. */
export async function callbackBody(records: Records, publicUrl: string, subject: NotifyJob['subject']): Promise<object | null> {
  if (subject.kind === 'audit') {
    const a = await records.audit(subject.id);
    if (!a) return null;
    return { event: 'audit.finished', id: a.id, project: a.project, file: a.file, sha256: a.sha256, state: a.state, verdict: a.verdict, counts: a.counts, error: a.error, url: `${publicUrl}/v1/audits/${a.id}` };
  }
  const r = await records.release(subject.id);
  if (!r) return null;
  return { event: 'release.finished', id: r.id, project: r.project, name: r.name, state: r.state, verdict: r.verdict, counts: r.counts, audits: r.audits, url: `${publicUrl}/v1/releases/${r.id}` };
}

export function notifyProcessor(deps: NotifyDeps) {
  return async (job: Job<NotifyJob>): Promise<{ status: number }> => {
    const project = await deps.records.project(job.data.project);
    if (!project?.callbackUrl) return { status: 0 };
    const body = await callbackBody(deps.records, deps.publicUrl, job.data.subject);
    if (!body) throw new UnrecoverableError(`${job.data.subject.kind} ${job.data.subject.id} does not exist`);
    const json = JSON.stringify(body);
    const res = await fetch(project.callbackUrl, { method: 'POST', headers: signedHeaders(project.webhookSecret, json), body: json, redirect: 'manual', signal: AbortSignal.timeout(deps.timeoutMs) });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`the callback ${project.callbackUrl} answered HTTP ${res.status}`);
    return { status: res.status };
  };
}

export function startNotifyWorker(connection: ConnectionOptions, deps: NotifyDeps) {
  const worker = new Worker<NotifyJob>(QUEUE.notify, notifyProcessor(deps), { connection, concurrency: 4 });
  return { worker, close: () => worker.close() };
}
