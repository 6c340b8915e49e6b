/**
 * What the worker entry points share: settings from the environment, the
 * connection to the same Redis and blob store as the API, logs, and a
 * graceful stop on SIGTERM/SIGINT (in-flight jobs finish within the grace
 * period, or go back to the queue).
 */
import { pino } from 'pino';
import type { Worker } from 'bullmq';
import { configFromEnv, tuningFromEnv, type ServiceConfig } from '../src/service/config.ts';
import { redisTarget } from '../src/service/redis.ts';
import { openBackend, type Backend } from '../src/service/serve.ts';
import type { WorkerTuning } from '../src/jobs/inspect.ts';

export interface Started {
  worker: Worker;
  close(graceMs?: number): Promise<void>;
}

export async function runWorkers(name: string, start: (backend: Backend, config: ServiceConfig, tuning: WorkerTuning) => Started[]): Promise<void> {
  const log = pino({ name: `distaudit-${name}` });
  let config: ServiceConfig;
  let tuning: ReturnType<typeof tuningFromEnv>;
  try {
    config = configFromEnv();
    tuning = tuningFromEnv();
  } catch (e) {
    log.fatal((e as Error).message);
    process.exit(2);
  }
  if (!config.redisUrl) {
    log.fatal('set REDIS_URL to the Redis the API uses (a worker process never starts its own), and DISTAUDIT_DATA to the shared data directory');
    process.exit(2);
  }
  const backend = openBackend(redisTarget(config.redisUrl), config.dataDir);
  const started = start(backend, config, tuning);
  for (const s of started) {
    s.worker.on('completed', (job) => log.info({ queue: job.queueName, job: job.id, attempts: job.attemptsMade }, 'job done'));
    s.worker.on('failed', (job, err) => log.warn({ queue: job?.queueName, job: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed'));
    s.worker.on('error', (err) => log.error({ err: err.message }, 'worker error'));
  }
  log.info({ redis: config.redisUrl.replace(/\/\/[^@]*@/, '//***@'), data: config.dataDir, concurrency: tuning.concurrency }, `${name} worker ready`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, graceMs: tuning.graceMs }, 'stopping: finishing in-flight jobs');
    await Promise.all(started.map((s) => s.close(tuning.graceMs)));
    await backend.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
