/**
 * The inspect worker process: static audits from the inspect queue, and the
 * signed callbacks that follow them. Run as many as the load needs, against
 * the API's Redis (REDIS_URL) and blob store (DISTAUDIT_DATA, shared).
 *
 *   REDIS_URL=redis://redis:6379 DISTAUDIT_DATA=/data node dist/workers/inspect.js
 */
import { startInspectWorker } from '../src/jobs/inspect.ts';
import { startNotifyWorker } from '../src/jobs/notify.ts';
import { runWorkers } from './run.ts';

await runWorkers('inspect', (backend, config, tuning) => [
  startInspectWorker(
    backend.redis,
    {
      records: backend.records,
      blobs: backend.blobs,
      queues: backend.queues,
      limits: config.audit,
      fetch: { allowedOrigins: config.fetchAllowedOrigins, maxBytes: config.maxUploadBytes, timeoutMs: config.fetchTimeoutMs },
    },
    tuning,
  ),
  startNotifyWorker(backend.redis, { records: backend.records, publicUrl: config.publicUrl, timeoutMs: 30_000 }),
]);
