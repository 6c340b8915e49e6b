/**
 * The BullMQ queues with their default job options: retries with exponential
 * backoff, and finished jobs trimmed (the audit record in Redis is the
 * lasting state; the job is only the work order).
 */
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { QUEUE, type InspectJob, type LoadJob, type NotifyJob } from './jobs.ts';

export const JOB_DEFAULTS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export interface Queues {
  inspect: Queue<InspectJob>;
  load: Queue<LoadJob>;
  notify: Queue<NotifyJob>;
  close(): Promise<void>;
}

export function openQueues(connection: ConnectionOptions): Queues {
  const inspect = new Queue<InspectJob>(QUEUE.inspect, { connection, defaultJobOptions: JOB_DEFAULTS });
  const load = new Queue<LoadJob>(QUEUE.load, { connection, defaultJobOptions: JOB_DEFAULTS });
  const notify = new Queue<NotifyJob>(QUEUE.notify, { connection, defaultJobOptions: { ...JOB_DEFAULTS, attempts: 8 } });
  return {
    inspect,
    load,
    notify,
    async close() {
      await Promise.all([inspect.close(), load.close(), notify.close()]);
    },
  };
}
