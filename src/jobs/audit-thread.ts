/**
 * Runs one artifact's static audit in its own worker thread, with a heap
 * limit and a time limit, so that a hostile file (a parser made to allocate
 * or to spin) costs one thread, not the worker process: the thread is
 * terminated and the artifact gets a report that says why.
 */
import { Worker } from 'node:worker_threads';
import { abortedReport, type AuditStage } from '../audit/audit.ts';
import { RESOURCE_LIMIT, TIMEOUT } from '../audit/checks.ts';
import type { Check } from '../audit/types.ts';
import type { Report } from '../report/schema.ts';
import type { ThreadMessage, ThreadInput } from './audit-thread-main.ts';

export interface ThreadLimits {
  /** V8 old-generation heap of the thread, in MB. */
  memoryMb: number;
  timeoutMs: number;
}

export const DEFAULT_THREAD_LIMITS: ThreadLimits = { memoryMb: 1024, timeoutMs: 10 * 60_000 };

// Built, the thread runs the JavaScript. Under tsx (tests, development) it runs the TypeScript source, and
// registers tsx itself first: Node 20 does not pass the parent's `--import tsx` on to a worker's entry.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const MAIN = new URL(FROM_SOURCE ? './audit-thread-main.ts' : './audit-thread-main.js', import.meta.url);
const ENTRY: [string | URL, { eval?: boolean }] = FROM_SOURCE
  ? [`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(MAIN.href)}); });`, { eval: true }]
  : [MAIN, {}];

export interface ThreadAudit {
  report: Promise<Report>;
  /** Stops the audit at once (a worker shutting down); the report promise rejects. */
  cancel(): void;
}

export function auditInThread(input: ThreadInput, limits: ThreadLimits, onProgress: (stage: AuditStage, fraction: number) => void): ThreadAudit {
  const started = performance.now();
  const worker = new Worker(ENTRY[0], {
    ...ENTRY[1],
    workerData: input,
    resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, limits.memoryMb / 16)), stackSizeMb: 4 },
    stdout: false,
    stderr: false,
  });
  let cancelled = false;
  const report = new Promise<Report>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
      void worker.terminate();
    };
    const aborted = (check: Check, message: string) =>
      abortedReport({ file: input.fileName, kind: null, size: input.size, sha256: input.sha256 }, check, message, performance.now() - started);
    const timer = setTimeout(
      () => settle(() => resolve(aborted(TIMEOUT, `${input.fileName}: the audit was stopped after ${Math.round(limits.timeoutMs / 1000)} s`))),
      limits.timeoutMs,
    );
    worker.on('message', (m: ThreadMessage) => {
      if (m.type === 'progress') onProgress(m.stage, m.fraction);
      else if (m.type === 'report') settle(() => resolve(m.report));
      else settle(() => reject(Object.assign(new Error(m.message), { stack: m.stack })));
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        settle(() => resolve(aborted(RESOURCE_LIMIT, `${input.fileName}: the audit needed more than ${limits.memoryMb} MB of memory and was stopped`)));
      } else settle(() => reject(e));
    });
    worker.on('exit', (code) => settle(() => reject(new Error(cancelled ? 'audit cancelled' : `the audit thread exited with code ${code} before reporting`))));
  });
  return {
    report,
    cancel() {
      cancelled = true;
      void worker.terminate();
    },
  };
}
