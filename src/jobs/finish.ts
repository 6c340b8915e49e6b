/**
 * What happens after an audit ends, whichever worker ended it (the inspect
 * worker for a static-only audit or a reuse, the load worker after real
 * loads): its release is judged when it was the release's last audit, and
 * the project's callback is queued.
 */
import type { Queues } from '../queue/queues.ts';
import { releaseReport } from '../release/release.ts';
import type { Report } from '../report/schema.ts';
import { TERMINAL, type AuditRecord, type Records } from '../store/records.ts';

export class AuditFinisher {
  constructor(private readonly deps: { records: Records; queues: Queues }) {}

  /** After an audit ends: judge its release if it was the last, and queue the callback. */
  async finished(audit: AuditRecord): Promise<void> {
    const { records } = this.deps;
    if (audit.release) {
      if (await records.releaseAuditFinished(audit.release, audit.id)) await this.judgeRelease(audit.release);
      return;
    }
    await this.notify(audit.project, 'audit', audit.id);
  }

  /** Marks an audit failed, then does what follows the end of any audit. */
  async fail(audit: AuditRecord, code: string, message: string): Promise<void> {
    await this.deps.records.updateAudit(audit, { state: 'failed', stage: 'failed', finishedAt: Date.now(), verdict: null, error: { code, message } });
    await this.finished(audit);
  }

  private async judgeRelease(id: string): Promise<void> {
    const { records } = this.deps;
    const release = await records.release(id);
    if (!release || TERMINAL.has(release.state)) return;
    const audits = await Promise.all(release.audits.map((a) => records.audit(a)));
    const reports = await Promise.all(audits.map((a) => (a?.state === 'done' ? records.report(a) : null)));
    const failed = release.audits.filter((_, i) => reports[i] === null);
    if (failed.length > 0) {
      await records.finishRelease(release, null, { code: 'audit-failed', message: `${failed.length} of the release's audits failed: ${failed.join(', ')}` });
    } else {
      const previous = release.previous ? await records.releaseReport(release.previous) : null;
      await records.finishRelease(release, releaseReport(release.name, reports as Report[], { previous }));
    }
    await this.notify(release.project, 'release', release.id);
  }

  private async notify(project: string, kind: 'audit' | 'release', id: string): Promise<void> {
    const p = await this.deps.records.project(project);
    if (!p?.callbackUrl) return;
    await this.deps.queues.notify.add('notify', { v: 1, project, subject: { kind, id } }, { jobId: `notify-${kind}-${id}` });
  }
}
