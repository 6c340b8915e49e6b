/**
 * Static audits in worker threads with a heap limit and a time limit, so that
 * a hostile file (a parser made to allocate or to spin) costs one thread, not
 * the worker process: the thread is terminated and the artifact gets a report
 * that says why (`audit.resource-limit`, `audit.timeout`).
 *
 * Threads are kept warm between audits: starting one loads the whole audit
 * pipeline (about half a second), far more than a small artifact's audit. A
 * thread that was stopped is never reused, and each retires after a number of
 * audits so that nothing one audit left behind accumulates.
 */
import { Worker } from 'node:worker_threads';
import { abortedReport, type AuditStage } from '../audit/audit.ts';
import { RESOURCE_LIMIT, TIMEOUT } from '../audit/checks.ts';
import type { Check } from '../audit/types.ts';
import type { Report } from '../report/schema.ts';
import type { ThreadMessage, ThreadInput, ThreadRequest } from './audit-thread-main.ts';

export interface ThreadLimits {
  /** V8 old-generation heap of a thread, in MB. */
  memoryMb: number;
  timeoutMs: number;
}

export const DEFAULT_THREAD_LIMITS: ThreadLimits = { memoryMb: 1024, timeoutMs: 10 * 60_000 };

/** Audits one thread runs before it is replaced. */
const AUDITS_PER_THREAD = 100;

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

interface WarmThread {
  worker: Worker;
  audits: number;
}

export class AuditThreadPool {
  private readonly idle: WarmThread[] = [];
  private closed = false;

  constructor(private readonly limits: ThreadLimits) {}

  private spawn(): WarmThread {
    const worker = new Worker(ENTRY[0], {
      ...ENTRY[1],
      resourceLimits: { maxOldGenerationSizeMb: this.limits.memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, this.limits.memoryMb / 16)), stackSizeMb: 4 },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    return { worker, audits: 0 };
  }

  run(input: ThreadInput, onProgress: (stage: AuditStage, fraction: number) => void): ThreadAudit {
    const limits = this.limits;
    const started = performance.now();
    const thread = this.idle.pop() ?? this.spawn();
    const { worker } = thread;
    let cancelled = false;
    const report = new Promise<Report>((resolve, reject) => {
      let settled = false;
      const settle = (f: () => void, reusable: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        f();
        thread.audits++;
        if (reusable && !this.closed && thread.audits < AUDITS_PER_THREAD) this.idle.push(thread);
        else void worker.terminate();
      };
      const aborted = (check: Check, message: string) =>
        abortedReport({ file: input.fileName, kind: null, size: input.size, sha256: input.sha256 }, check, message, performance.now() - started);
      const timer = setTimeout(() => settle(() => resolve(aborted(TIMEOUT, `${input.fileName}: the audit was stopped after ${limits.timeoutMs / 1000} s`)), false), limits.timeoutMs);
      const onMessage = (m: ThreadMessage) => {
        if (m.type === 'progress') onProgress(m.stage, m.fraction);
        else if (m.type === 'report') settle(() => resolve(m.report), true);
        else settle(() => reject(Object.assign(new Error(m.message), { stack: m.stack })), false);
      };
      const onError = (e: Error & { code?: string }) => {
        if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          settle(() => resolve(aborted(RESOURCE_LIMIT, `${input.fileName}: the audit needed more than ${limits.memoryMb} MB of memory and was stopped`)), false);
        } else settle(() => reject(e), false);
      };
      const onExit = (code: number) => settle(() => reject(new Error(cancelled ? 'audit cancelled' : `the audit thread exited with code ${code} before reporting`)), false);
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage({ type: 'audit', input } satisfies ThreadRequest);
    });
    return {
      report,
      cancel() {
        cancelled = true;
        void worker.terminate();
      },
    };
  }

  /** Ends the idle threads; running audits end with their own thread. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map((t) => t.worker.terminate()));
  }
}
