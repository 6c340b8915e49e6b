/**
 * The inspect worker process: static audits from the inspect queue, and the
 * signed callbacks that follow them. Run as many as the load needs, against
 * the API's Redis (REDIS_URL) and blob store (DISTAUDIT_DATA, shared).
 *
 *   REDIS_URL=redis://redis:6379 DISTAUDIT_DATA=/data node dist/workers/inspect.js
 */
import { startInspectWorkers } from '../src/service/serve.ts';
import { runWorkers } from './run.ts';

await runWorkers('inspect', (backend, config, tuning) => startInspectWorkers(backend, config, tuning));
