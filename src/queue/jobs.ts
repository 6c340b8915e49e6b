/**
 * The job contract between the API and the workers: queue names and typed
 * payloads. Both sides import this module and nothing else of each other, so
 * a worker can run anywhere with a Redis connection (BullMQ's habit).
 *
 * Payloads carry ids and content addresses, never bytes: the blob store holds
 * the artifact, Redis holds the audit record, and a job can be retried or
 * moved to another worker without losing anything.
 */

/** Queue names. Static inspection and real loads are separate so load workers can run only where the sandbox is. */
export const QUEUE = {
  inspect: 'distaudit-inspect',
  load: 'distaudit-load',
  /** Signed callbacks to a project's configured URL, retried with backoff. */
  notify: 'distaudit-notify',
} as const;

/** Where an artifact's bytes are: already in the blob store, or at a URL the worker fetches (webhook uploads by URL). */
export type ArtifactSource = { name: string; blob: string; size: number } | { name: string; url: string };

/** Static audit of one artifact. */
export interface InspectJob {
  v: 1;
  auditId: string;
  project: string;
  artifact: ArtifactSource;
  /** Audit again even when a report for the same bytes and name exists. */
  rerun: boolean;
}

/** One binary loaded in one target's image, as the load worker will do it. */
export interface PlannedLoad {
  /** Path of the binary inside the artifact. */
  binary: string;
  binarySha256: string;
  /** The target id from the static report. */
  target: string;
  /** How the binary is loaded: by its runtime, or by the raw dlopen probe. */
  probe: 'python' | 'java' | 'node' | 'dlopen';
}

export const LOAD_STATUSES = ['passed', 'failed', 'crashed', 'timed-out', 'not-run'] as const;
export type LoadStatus = (typeof LOAD_STATUSES)[number];

/** What one planned load came to. */
export interface LoadOutcome extends PlannedLoad {
  status: LoadStatus;
  /** The image it ran in ('debian-bookworm-amd64'), null when not run. */
  image: string | null;
  /** Why it was not run, or the failure's class ('missing-library', 'symbol-version', ...). */
  reason: string;
  /** The loader's own words, verbatim. */
  output: string;
  /** The static finding (check id) that predicted a failure; null for a surprise. */
  predictedBy: string | null;
}

/** Real loads of an artifact's binaries in clean root filesystems (the load worker, issue 6). */
export interface LoadJob {
  v: 1;
  auditId: string;
  project: string;
  artifact: { name: string; blob: string };
  loads: PlannedLoad[];
}

export interface LoadJobResult {
  outcomes: LoadOutcome[];
}

/** A signed POST of a final verdict to the project's callback URL. */
export interface NotifyJob {
  v: 1;
  project: string;
  subject: { kind: 'audit' | 'release'; id: string };
}
