/**
 * The load worker process: real loads from the load queue, on hosts that
 * have the sandbox (bubblewrap or Docker). The job contract is in
 * src/queue/jobs.ts; until this host has a load runner, every planned load
 * is reported not-run with the reason (src/jobs/load.ts).
 *
 *   REDIS_URL=redis://redis:6379 DISTAUDIT_DATA=/data node dist/workers/load.js
 */
import { startLoadWorker } from '../src/jobs/load.ts';
import { runWorkers } from './run.ts';

await runWorkers('load', (backend, _config, tuning) => [startLoadWorker(backend.redis, undefined, { concurrency: tuning.concurrency })]);
