/**
 * Accepting work: audit records are written to Redis, then their jobs are
 * queued, and only then does the API answer 202. Job ids are the audit ids,
 * so queuing twice (a retried request) queues once.
 */
import type { ArtifactSource } from '../queue/jobs.ts';
import type { AuditRecord, ReleaseRecord } from '../store/records.ts';
import type { ServiceContext } from './context.ts';
import { ApiError, badRequest } from './errors.ts';

/** Artifact names become file names inside the worker: a plain name, no directories, no control characters. */
export function checkArtifactName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (name.length === 0 || name.length > 255 || /[/\\\0-\x1f\x7f]/.test(name) || name === '.' || name === '..') {
    throw badRequest(`not a usable artifact file name: ${JSON.stringify(name.slice(0, 300))} (a plain file name such as pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.whl)`);
  }
  return name;
}

export interface Accepted {
  audits: AuditRecord[];
  release: ReleaseRecord | null;
}

export async function accept(
  ctx: ServiceContext,
  project: string,
  artifacts: readonly ArtifactSource[],
  options: { via: AuditRecord['via']; rerun: boolean; release?: { name: string; previous: string | null } | null },
): Promise<Accepted> {
  const { records, queues } = ctx;
  if (options.release?.previous) {
    const prev = await records.release(options.release.previous);
    if (!prev || prev.project !== project) throw badRequest(`previous release ${options.release.previous} not found in project ${project}`);
    if (prev.state !== 'done') throw new ApiError(409, 'previous-not-finished', `previous release ${prev.id} has not finished (${prev.state})`);
  }
  const audits = artifacts.map((a) =>
    records.newAudit({ project, file: a.name, sha256: 'blob' in a ? a.blob : null, size: 'blob' in a ? a.size : null, url: 'url' in a ? a.url : null, via: options.via }),
  );
  let release: ReleaseRecord | null = null;
  if (options.release) {
    release = records.newRelease({ project, name: options.release.name, audits: audits.map((a) => a.id), previous: options.release.previous });
    for (const a of audits) a.release = release.id;
    await records.saveRelease(release);
  }
  for (const a of audits) await records.saveAudit(a);
  try {
    await queues.inspect.addBulk(
      audits.map((a, i) => ({ name: 'inspect', data: { v: 1 as const, auditId: a.id, project, artifact: artifacts[i]!, rerun: options.rerun }, opts: { jobId: a.id } })),
    );
  } catch (e) {
    // Not accepted after all (the client gets 503): the records say so rather than wait forever.
    const error = { code: 'not-queued', message: `the audit could not be queued: ${(e as Error).message}` };
    await Promise.allSettled([
      ...audits.map((a) => records.updateAudit(a, { state: 'failed', stage: 'failed', finishedAt: Date.now(), error })),
      ...(release ? [records.finishRelease(release, null, error)] : []),
    ]);
    throw new ApiError(503, 'unavailable', `${error.message}; retry shortly`);
  }
  return { audits, release };
}
