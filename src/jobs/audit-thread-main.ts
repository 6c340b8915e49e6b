/** The body of an audit thread (see audit-thread.ts): audits one file and posts progress, then the report. */
import { parentPort, workerData } from 'node:worker_threads';
import { auditFile, type AuditStage } from '../audit/audit.ts';
import type { Report } from '../report/schema.ts';

export interface ThreadInput {
  /** The bytes (a blob in the store). */
  path: string;
  /** The artifact's name, which decides its kind. */
  fileName: string;
  size: number;
  sha256: string;
}

export type ThreadMessage =
  | { type: 'progress'; stage: AuditStage; fraction: number }
  | { type: 'report'; report: Report }
  | { type: 'error'; message: string; stack?: string };

if (parentPort) {
  const port = parentPort;
  const input = workerData as ThreadInput;
  const post = (m: ThreadMessage) => port.postMessage(m);
  auditFile(input.path, { fileName: input.fileName, onProgress: (stage, fraction) => post({ type: 'progress', stage, fraction }) }).then(
    (report) => post({ type: 'report', report }),
    (e: Error) => post({ type: 'error', message: e?.message ?? String(e), stack: e?.stack }),
  );
}
