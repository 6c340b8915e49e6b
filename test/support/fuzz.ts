/**
 * Runs a mutation-fuzzing job (fuzz-worker.ts) in a worker thread with a capped
 * heap, so an input that makes a parser allocate without bound fails the test
 * (the worker dies with ERR_WORKER_OUT_OF_MEMORY) instead of the machine.
 */
import { Worker } from 'node:worker_threads';
import type { FuzzJob, FuzzReport } from './fuzz-worker.ts';

export type { FuzzJob, FuzzReport };

export const FUZZ_HEAP_MB = 192;

export function runFuzz(job: FuzzJob): Promise<FuzzReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./ts-worker.mjs', import.meta.url), {
      workerData: { entry: new URL('./fuzz-worker.ts', import.meta.url).href, job },
      resourceLimits: { maxOldGenerationSizeMb: FUZZ_HEAP_MB, maxYoungGenerationSizeMb: 32 },
    });
    worker.once('message', (r: FuzzReport) => {
      void worker.terminate();
      resolve(r);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`fuzz worker exited with code ${code} before reporting`)));
  });
}
