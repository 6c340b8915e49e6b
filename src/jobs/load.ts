/**
 * The load worker's processor: one LoadJob → the static report the inspect
 * worker kept → real loads of its binaries in clean root filesystems (the
 * runner: src/load/host.ts) → the report with its load section, findings and
 * verdicts → the audit done, its release judged, its callback queued.
 *
 * It takes LoadJobs from their own queue, so it runs only on hosts that have
 * the sandbox. Loads that cannot run are reported not-run with the reason —
 * never as passed — and an audit whose loads fail for good still finishes,
 * with its static verdicts and the reason in the load section.
 */
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { hostLoader, type LoadSettings } from '../load/host.ts';
import { withLoads } from '../load/report.ts';
import { notRunLoads } from '../load/run.ts';
import type { Loads } from '../load/schema.ts';
import { QUEUE, type LoadJob, type LoadJobResult } from '../queue/jobs.ts';
import type { Queues } from '../queue/queues.ts';
import type { Report } from '../report/schema.ts';
import type { BlobStore } from '../store/blobs.ts';
import { TERMINAL, type AuditRecord, type Records } from '../store/records.ts';
import { AuditFinisher } from './finish.ts';

/** Runs the loads of one artifact; told how far it has come (0..1) and what it is doing. */
export type LoadRunner = {
  readonly driver: string;
  run(file: string, report: Report, progress: (fraction: number, stage: string) => void): Promise<Loads>;
};

/** The runner of this host's sandbox, reporting progress as image preparation, then loads done of total. */
export function serviceLoadRunner(settings: LoadSettings): LoadRunner {
  const loader = hostLoader(settings);
  return {
    driver: loader.driver,
    run: (file, report, progress) =>
      loader.run(
        file,
        report,
        (e) => (e.kind === 'image' ? progress(0, `preparing image ${e.id}`) : progress(e.done / e.total, 'loading')),
        (id, stage) => progress(0, `preparing image ${id}: ${stage}`),
      ),
  };
}

export interface LoadDeps {
  records: Records;
  blobs: BlobStore;
  queues: Queues;
  runner: LoadRunner;
}

export class LoadProcessor {
  private readonly finisher: AuditFinisher;

  constructor(private readonly deps: LoadDeps) {
    this.finisher = new AuditFinisher(deps);
  }

  readonly process = async (job: Job<LoadJob>): Promise<LoadJobResult | null> => {
    const { records, blobs, runner } = this.deps;
    const audit = await records.audit(job.data.auditId);
    if (!audit) throw new UnrecoverableError(`audit ${job.data.auditId} does not exist`);
    if (TERMINAL.has(audit.state)) return null;
    const report = await records.stashedReport(audit);
    if (!report) {
      await this.finisher.fail(audit, 'report-lost', `the static report of ${audit.file} is gone (kept 7 days); audit it again`);
      return null;
    }
    const started = performance.now();
    let last = 0;
    const loads = await runner.run(blobs.path(job.data.artifact.blob), report, (fraction, stage) => {
      const progress = 0.93 + 0.06 * fraction;
      if (progress - last < 0.01 && fraction < 1) return;
      last = progress;
      void records.updateAudit(audit, { stage, progress }).catch(() => {});
      void job.updateProgress(Math.round(progress * 100)).catch(() => {});
    });
    await this.finish(audit, job.data, withLoads(report, loads), started);
    return { loads };
  };

  private async finish(audit: AuditRecord, data: LoadJob, report: Report, started: number): Promise<void> {
    await this.deps.records.finishAudit(audit, report, data.resultKey, data.staticMs + performance.now() - started);
    await this.finisher.finished(audit);
  }

  /** A load job failed for good: the audit still ends, with its static verdicts and every load not-run, saying why. */
  readonly jobFailed = async (job: Job<LoadJob> | undefined, err: Error): Promise<void> => {
    if (!job?.finishedOn) return; // it will be retried
    const audit = await this.deps.records.audit(job.data.auditId);
    if (!audit || TERMINAL.has(audit.state)) return;
    const report = await this.deps.records.stashedReport(audit);
    if (!report) return this.finisher.fail(audit, 'report-lost', err.message);
    await this.finish(audit, job.data, withLoads(report, notRunLoads(report, this.deps.runner.driver, `the load worker failed: ${err.message}`)), performance.now());
  };
}

export function startLoadWorker(connection: ConnectionOptions, deps: LoadDeps, tuning: { concurrency: number } = { concurrency: 1 }) {
  const processor = new LoadProcessor(deps);
  // Loads can take minutes (an image built on first use): a long lock, renewed while the job runs.
  const worker = new Worker<LoadJob, LoadJobResult | null>(QUEUE.load, processor.process, { connection, concurrency: tuning.concurrency, lockDuration: 120_000 });
  worker.on('failed', (job, err) => void processor.jobFailed(job, err).catch(() => {}));
  return { worker, close: () => worker.close() };
}
