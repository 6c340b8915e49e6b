// Worker-thread entry that can run a TypeScript module under tsx: Node 20 does
// not apply the parent's `--import tsx` to a worker's .ts entry point.
// Usage: new Worker(tsWorkerEntry, { workerData: { entry: <file URL of a .ts>, ... } })
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
