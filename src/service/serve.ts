/**
 * `distaudit serve`: the API, and with no REDIS_URL the embedded default — a
 * private redis-server under the data dir and one worker of each kind in
 * this process — so one command gives a working service. With REDIS_URL the
 * API runs alone and workers/ scale out against the same Redis.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Redis } from 'ioredis';
import { startInspectWorker, DEFAULT_TUNING, type WorkerTuning } from '../jobs/inspect.ts';
import { serviceLoadRunner, startLoadWorker } from '../jobs/load.ts';
import { DEFAULT_LOAD_SETTINGS } from '../load/host.ts';
import { startNotifyWorker } from '../jobs/notify.ts';
import { openQueues, type Queues } from '../queue/queues.ts';
import { BlobStore } from '../store/blobs.ts';
import { Records } from '../store/records.ts';
import { buildApp } from './app.ts';
import type { ServiceConfig } from './config.ts';
import type { ServiceContext } from './context.ts';
import { EventHub } from './events.ts';
import { connectRedis, redisTarget, startEmbeddedRedis, type EmbeddedRedis, type RedisTarget } from './redis.ts';

export interface RunningService {
  app: FastifyInstance;
  url: string;
  ctx: ServiceContext;
  redisTarget: RedisTarget;
  /** Files the embedded default wrote: the admin token, the default project's token and secret. */
  credentials: { adminTokenFile: string | null; defaultProjectFile: string | null };
  /** Stops taking requests, lets in-flight audits finish for up to `graceMs` (then returns them to the queue), and closes everything. */
  stop(graceMs?: number): Promise<void>;
}

/** Everything that talks to Redis and the store, for the API and the workers alike. */
export interface Backend {
  redis: Redis;
  records: Records;
  blobs: BlobStore;
  queues: Queues;
  close(): Promise<void>;
}

/**
 * Workers wait for Redis however long it is away (BullMQ needs that); the
 * API gives up on a command after a few retries, so a request during an
 * outage is answered 503 instead of hanging.
 */
export function openBackend(target: RedisTarget, dataDir: string, role: 'api' | 'worker' = 'worker'): Backend {
  const redis = connectRedis(target, role === 'api' ? { maxRetriesPerRequest: 3 } : {});
  const queues = openQueues(redis);
  return {
    redis,
    records: new Records(redis),
    blobs: new BlobStore(join(dataDir, 'store')),
    queues,
    async close() {
      await queues.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** The load worker, as configured: in `serve` and in workers/load.ts. */
export function startLoadWorkers(backend: Backend, config: ServiceConfig, tuning: { concurrency: number } = { concurrency: 1 }) {
  const { redis, records, blobs, queues } = backend;
  return [startLoadWorker(redis, { records, blobs, queues, runner: serviceLoadRunner(config.loads ?? DEFAULT_LOAD_SETTINGS) }, tuning)];
}

/** The inspect worker and the notify worker that sends its callbacks, as configured: in `serve` and in workers/inspect.ts. */
export function startInspectWorkers(backend: Backend, config: ServiceConfig, tuning: WorkerTuning = DEFAULT_TUNING) {
  const { redis, records, blobs, queues } = backend;
  return [
    startInspectWorker(
      redis,
      { records, blobs, queues, limits: config.audit, fetch: { allowedOrigins: config.fetchAllowedOrigins, maxBytes: config.maxUploadBytes, timeoutMs: config.fetchTimeoutMs }, loads: config.loads !== null },
      tuning,
    ),
    startNotifyWorker(redis, { records, publicUrl: config.publicUrl, timeoutMs: 30_000 }),
  ];
}

function readOrCreateSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = `daa_${randomBytes(32).toString('base64url')}`;
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

export async function startService(config: ServiceConfig, options: { logger?: FastifyServerOptions['logger']; tuning?: WorkerTuning } = {}): Promise<RunningService> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  let embedded: EmbeddedRedis | null = null;
  const credentials: RunningService['credentials'] = { adminTokenFile: null, defaultProjectFile: null };
  if (!config.redisUrl) {
    embedded = await startEmbeddedRedis(join(config.dataDir, 'redis'));
    if (!config.adminToken) {
      credentials.adminTokenFile = join(config.dataDir, 'admin-token');
      config = { ...config, adminToken: readOrCreateSecret(credentials.adminTokenFile) };
    }
  }
  const target: RedisTarget = embedded?.target ?? redisTarget(config.redisUrl!);
  const backend = openBackend(target, config.dataDir, 'api');
  const sub = connectRedis(target);
  const events = await EventHub.open(sub);
  const ctx: ServiceContext = { config, redis: backend.redis, records: backend.records, blobs: backend.blobs, queues: backend.queues, events };

  if (embedded) {
    // One command gives a usable service: a 'default' project whose token and secret are in a private file.
    const file = join(config.dataDir, 'default-project.json');
    const created = await ctx.records.createProject('default');
    if (created) {
      writeFileSync(file, JSON.stringify({ project: 'default', token: created.token, webhookSecret: created.project.webhookSecret }, null, 2) + '\n', { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    if (existsSync(file)) credentials.defaultProjectFile = file;
  }

  const app = await buildApp(ctx, options.logger ?? true);
  const address = await app.listen({ host: config.host, port: config.port });
  // With port 0 (tests) the real address is known only now; routes read the config object, so it is updated in place.
  if (config.port === 0) ctx.config.publicUrl = address;
  const url = ctx.config.publicUrl;

  const wb = config.inProcessWorkers ? openBackend(target, config.dataDir, 'worker') : null;
  const workers: { close(graceMs?: number): Promise<void> }[] = wb ? [...startInspectWorkers(wb, ctx.config, options.tuning), ...(config.loads ? startLoadWorkers(wb, ctx.config) : [])] : [];

  let stopping: Promise<void> | null = null;
  return {
    app,
    url,
    ctx,
    redisTarget: target,
    credentials,
    stop(graceMs = 30_000) {
      stopping ??= (async () => {
        await app.close();
        await Promise.all(workers.map((w) => w.close(graceMs)));
        await events.close();
        await Promise.all([backend.close(), wb?.close()]);
        await embedded?.stop();
      })();
      return stopping;
    },
  };
}
