/**
 * The job contract between the API and the workers: queue names and typed
 * payloads. Both sides import this module and nothing else of each other, so
 * a worker can run anywhere with a Redis connection (BullMQ's habit).
 *
 * Payloads carry ids and content addresses, never bytes: the blob store holds
 * the artifact, Redis holds the audit record, and a job can be retried or
 * moved to another worker without losing anything.
 */

import type { Loads } from '../load/schema.ts';

export type { LoadOutcome, PlannedLoad } from '../load/schema.ts';

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

/**
 * Real loads of an artifact's binaries in clean root filesystems, after its
 * static audit (whose report the records keep): the load worker plans them
 * against the images its host has, runs them, and finishes the audit.
 */
export interface LoadJob {
  v: 1;
  auditId: string;
  project: string;
  artifact: { name: string; blob: string };
  /** The reuse index entry the finished report is filed under. */
  resultKey: string;
  /** How long the static audit took, ms (the audit's duration adds the loads). */
  staticMs: number;
}

export interface LoadJobResult {
  loads: Loads;
}

/** A signed POST of a final verdict to the project's callback URL. */
export interface NotifyJob {
  v: 1;
  project: string;
  subject: { kind: 'audit' | 'release'; id: string };
}
