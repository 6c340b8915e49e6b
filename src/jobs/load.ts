/**
 * The load worker's side of the contract (src/queue/jobs.ts): it takes
 * LoadJobs from their own queue, so it can run only on hosts that have the
 * sandbox, and hands each to a load runner. The runner that starts real
 * loads in clean root filesystems comes with the sandbox (docs/roadmap.md);
 * until a host has one, every planned load is reported not-run, with the
 * reason, and never as passed.
 */
import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import { QUEUE, type LoadJob, type LoadJobResult } from '../queue/jobs.ts';

export type LoadRunner = (job: LoadJob) => Promise<LoadJobResult>;

/** The runner of a host without a load sandbox. */
export const noSandboxRunner: LoadRunner = async (job) => ({
  outcomes: job.loads.map((l) => ({ ...l, status: 'not-run', image: null, reason: 'this host has no load sandbox configured', output: '', predictedBy: null })),
});

export function startLoadWorker(connection: ConnectionOptions, run: LoadRunner = noSandboxRunner, tuning: { concurrency: number } = { concurrency: 1 }) {
  const worker = new Worker<LoadJob, LoadJobResult>(QUEUE.load, (job: Job<LoadJob>) => run(job.data), { connection, concurrency: tuning.concurrency });
  return { worker, close: () => worker.close() };
}
