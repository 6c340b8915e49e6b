/**
 * The inspect worker's processor: one InspectJob → the artifact's bytes in
 * the blob store (fetched first when a webhook named a URL) → a report
 * reused from the same bytes, or a fresh static audit in a limited thread →
 * the audit record done, its release judged when it was the last, the
 * project's callback queued.
 *
 * Idempotent: a job that runs again (retry, stalled worker, second worker)
 * finds the audit already finished and stops, so an audit gets one report.
 */
import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { AuditStage } from '../audit/audit.ts';
import { QUEUE, type InspectJob } from '../queue/jobs.ts';
import type { Queues } from '../queue/queues.ts';
import type { Report } from '../report/schema.ts';
import type { BlobStore } from '../store/blobs.ts';
import { TERMINAL, type AuditRecord, type Records } from '../store/records.ts';
import { toolVersion } from '../tool.ts';
import { AuditThreadPool, type ThreadAudit, type ThreadLimits } from './audit-thread.ts';
import { FetchRefused, fetchArtifact } from './fetch-artifact.ts';
import { AuditFinisher } from './finish.ts';

export interface InspectDeps {
  records: Records;
  blobs: BlobStore;
  queues: Queues;
  limits: ThreadLimits;
  fetch: { allowedOrigins: readonly string[]; maxBytes: number; timeoutMs: number };
  /** Whether static reports go on to the load queue for real loads (else the audit ends with the static report). */
  loads: boolean;
}

export interface WorkerTuning {
  concurrency: number;
  /** How long a job's lock lasts without renewal: a worker killed mid-job gives its jobs back after about this long. */
  lockDurationMs: number;
  stalledIntervalMs: number;
}

export const DEFAULT_TUNING: WorkerTuning = { concurrency: 1, lockDurationMs: 30_000, stalledIntervalMs: 30_000 };

/** Progress of the audit thread, as a share of the whole job. */
function overallProgress(stage: AuditStage, fraction: number): number {
  return stage === 'reading' ? 0.05 + 0.85 * fraction : 0.92;
}

class Cancelled extends Error {}

/** A job whose worker died on it more often than this is failed (by BullMQ, without running it again). */
const MAX_STALLED = 2;

export class InspectProcessor {
  private readonly running = new Set<ThreadAudit>();
  private stopping = false;
  private readonly threads: AuditThreadPool;
  private readonly finisher: AuditFinisher;

  constructor(private readonly deps: InspectDeps) {
    this.threads = new AuditThreadPool(deps.limits);
    this.finisher = new AuditFinisher(deps);
  }

  readonly process = async (job: Job<InspectJob>, token?: string): Promise<{ state: string }> => {
    const { records } = this.deps;
    const audit = await records.audit(job.data.auditId);
    if (!audit) throw new UnrecoverableError(`audit ${job.data.auditId} does not exist`);
    if (TERMINAL.has(audit.state)) return { state: audit.state };
    try {
      await this.run(job, audit);
      return { state: audit.state };
    } catch (e) {
      if (e instanceof Cancelled && token) {
        // The worker is shutting down: the job goes back to the queue without spending an attempt.
        await records.updateAudit(audit, { state: 'queued', stage: 'queued', progress: 0 });
        await job.moveToDelayed(Date.now() + 1000, token);
        throw new DelayedError();
      }
      const last = e instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (last) await this.finisher.fail(audit, (e as { code?: string }).code ?? 'audit-failed', (e as Error).message);
      throw e;
    }
  };

  private async run(job: Job<InspectJob>, audit: AuditRecord): Promise<void> {
    const { records, blobs } = this.deps;
    const src = job.data.artifact;
    await records.updateAudit(audit, { state: 'running', stage: 'starting', progress: 0.01, startedAt: audit.startedAt ?? Date.now() });

    let blob: { sha256: string; size: number };
    if ('blob' in src) blob = { sha256: src.blob, size: src.size };
    else {
      await records.updateAudit(audit, { stage: 'fetching' });
      try {
        blob = await fetchArtifact(src.url, await records.fetchOrigins(audit.project, this.deps.fetch.allowedOrigins), blobs, this.deps.fetch);
      } catch (e) {
        if (e instanceof FetchRefused) throw Object.assign(new UnrecoverableError(e.message), { code: e.code });
        throw e;
      }
      await records.updateAudit(audit, { sha256: blob.sha256, size: blob.size });
    }
    if (!blobs.has(blob.sha256)) throw new UnrecoverableError(`the bytes of ${audit.file} (${blob.sha256}) are not in the blob store`);

    const resultKey = records.resultKey(audit.project, blob.sha256, audit.file, toolVersion());
    const prior = job.data.rerun ? null : await records.priorResult(resultKey);
    if (prior && prior.id !== audit.id) {
      await records.reuseAudit(audit, prior);
      await this.finisher.finished(audit);
      return;
    }

    const started = performance.now();
    let last = { stage: '', at: 0, progress: 0 };
    const thread = this.threads.run({ path: blobs.path(blob.sha256), fileName: audit.file, size: blob.size, sha256: blob.sha256 }, (stage, fraction) => {
      const progress = overallProgress(stage, fraction);
      const now = Date.now();
      // Every stage change, then at most 4 updates a second (or a 10% step); never the same again.
      if (stage === last.stage && (progress === last.progress || (now - last.at < 250 && progress - last.progress < 0.1))) return;
      last = { stage, at: now, progress };
      void records.updateAudit(audit, { stage, progress }).catch(() => {});
      void job.updateProgress(Math.round(progress * 100)).catch(() => {});
    });
    if (this.stopping) thread.cancel();
    this.running.add(thread);
    let report: Report;
    try {
      report = await thread.report;
    } catch (e) {
      if (this.stopping) throw new Cancelled();
      throw e;
    } finally {
      this.running.delete(thread);
    }
    if (this.deps.loads && report.binaries.length > 0) {
      // The load worker finishes the audit; the job id makes a second enqueue (this job run again) a no-op.
      await records.stashReport(audit, report);
      await records.updateAudit(audit, { stage: 'loading', progress: 0.93 });
      await this.deps.queues.load.add('load', { v: 1, auditId: audit.id, project: audit.project, artifact: { name: audit.file, blob: blob.sha256 }, resultKey, staticMs: performance.now() - started }, { jobId: audit.id });
      return;
    }
    await records.finishAudit(audit, report, resultKey, performance.now() - started);
    await this.finisher.finished(audit);
  }

  /**
   * A job BullMQ failed for good without the processor recording it: one that
   * stalled too often (every worker that took it died mid-audit) is failed by
   * BullMQ without running the processor again. Its audit fails too, instead
   * of staying 'running' forever.
   */
  readonly jobFailed = async (job: Job<InspectJob> | undefined, err: Error): Promise<void> => {
    if (!job?.finishedOn) return; // it will be retried
    const audit = await this.deps.records.audit(job.data.auditId);
    if (!audit || TERMINAL.has(audit.state)) return;
    if (job.stalledCounter > MAX_STALLED) await this.finisher.fail(audit, 'worker-lost', `the worker auditing ${audit.file} stopped ${job.stalledCounter} times before it finished (${err.message})`);
    else await this.finisher.fail(audit, (err as { code?: string }).code ?? 'audit-failed', err.message);
  };

  /** Stops taking work; audits still running are cancelled (their jobs go back to the queue). */
  cancelAll(): void {
    this.stopping = true;
    for (const t of this.running) t.cancel();
  }

  /** Ends the warm audit threads (after the worker has stopped). */
  close(): Promise<void> {
    return this.threads.close();
  }
}

/** A BullMQ worker on the inspect queue; `close` finishes in-flight audits for up to `graceMs`, then returns them to the queue. */
export function startInspectWorker(connection: ConnectionOptions, deps: InspectDeps, tuning: WorkerTuning = DEFAULT_TUNING) {
  const processor = new InspectProcessor(deps);
  const worker = new Worker<InspectJob>(QUEUE.inspect, processor.process, {
    connection,
    concurrency: tuning.concurrency,
    lockDuration: tuning.lockDurationMs,
    stalledInterval: tuning.stalledIntervalMs,
    maxStalledCount: MAX_STALLED,
  });
  worker.on('failed', (job, err) => void processor.jobFailed(job, err).catch(() => {}));
  return {
    worker,
    async close(graceMs = 30_000): Promise<void> {
      const closing = worker.close();
      const timer = setTimeout(() => processor.cancelAll(), graceMs);
      try {
        await closing;
      } finally {
        clearTimeout(timer);
        await processor.close();
      }
    },
  };
}
