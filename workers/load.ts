/**
 * The load worker process: real loads from the load queue, on hosts that
 * have the sandbox (bubblewrap, or Docker with DISTAUDIT_LOAD_DRIVER=docker)
 * and can build the images (root, debootstrap). Settings: DISTAUDIT_LOAD_*
 * (docs/service.md). On a host without the sandbox every load is reported
 * not-run with the reason, never passed.
 *
 *   REDIS_URL=redis://redis:6379 DISTAUDIT_DATA=/data node dist/workers/load.js
 */
import { startLoadWorkers } from '../src/service/serve.ts';
import { runWorkers } from './run.ts';

await runWorkers('load', (backend, config, tuning) => startLoadWorkers(backend, config, { concurrency: tuning.concurrency }));
