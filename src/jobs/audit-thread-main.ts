/** The body of an audit thread (see audit-thread.ts): audits the files it is sent, one at a time, posting progress, then the report. */
import { parentPort } from 'node:worker_threads';
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

export type ThreadRequest = { type: 'audit'; input: ThreadInput };

export type ThreadMessage =
  | { type: 'progress'; stage: AuditStage; fraction: number }
  | { type: 'report'; report: Report }
  | { type: 'error'; message: string; stack?: string };

if (parentPort) {
  const port = parentPort;
  const post = (m: ThreadMessage) => port.postMessage(m);
  port.on('message', (req: ThreadRequest) => {
    const { input } = req;
    auditFile(input.path, { fileName: input.fileName, onProgress: (stage, fraction) => post({ type: 'progress', stage, fraction }) }).then(
      (report) => post({ type: 'report', report }),
      (e: Error) => post({ type: 'error', message: e?.message ?? String(e), stack: e?.stack }),
    );
  });
}
