/**
 * Checks about the audit itself rather than about one kind of artifact: an
 * artifact of no kind we know, a rule that failed, an audit stopped by a
 * resource or time limit. Every kind of artifact can get them.
 */
import type { Check } from './types.ts';

/** Reported when a rule itself fails: the rest of the audit still stands. */
export const INTERNAL_ERROR: Check = {
  id: 'audit.internal-error',
  severity: 'error',
  title: 'A check could not complete',
  explain: 'A distaudit rule failed while examining this artifact, so the checks it runs were not decided. The other checks stand. This is a bug in distaudit, not necessarily in the artifact.',
  fix: 'Report it with the artifact (or the finding\'s evidence) to the distaudit maintainers.',
};

/** Reported when the file name names no kind distaudit audits. */
export const UNSUPPORTED_KIND: Check = {
  id: 'artifact.unsupported-kind',
  severity: 'error',
  title: 'Not an artifact kind distaudit audits',
  explain:
    'distaudit audits Python wheels (`.whl`), Java archives (`.jar`, `.war`, `.ear`), npm package tarballs (`.tgz`, `.tar.gz`, as `npm pack` writes them) and bare Node addons (`.node`). ' +
    'The file name decides the kind; its content must then bear it out.',
  fix: 'Pass a `.whl`, `.jar`, `.tgz` or `.node` file; rename a file whose name hides its kind (an npm tarball saved as `.tar`).',
};

/** Reported when auditing the artifact needed more memory than an audit may use. */
export const RESOURCE_LIMIT: Check = {
  id: 'audit.resource-limit',
  severity: 'error',
  title: 'Auditing the artifact exceeded its resource limit',
  explain:
    'Each artifact is audited in its own worker thread with a memory limit, so that one hostile file cannot take the service down. ' +
    'This artifact needed more than that limit, so nothing else about it was decided. Legitimate artifacts stay far below it; a file built to exhaust memory (deeply nested or enormous tables) does not.',
  fix: 'Inspect the artifact locally with `distaudit audit` (no service limit) to see what is so large; if it is legitimate, ask the operator to raise DISTAUDIT_AUDIT_MEMORY_MB.',
};

/** Reported when the audit ran past its time limit. */
export const TIMEOUT: Check = {
  id: 'audit.timeout',
  severity: 'error',
  title: 'Auditing the artifact took longer than its time limit',
  explain: 'The audit of one artifact is stopped after a time limit, so that a file built to make a parser spin cannot hold a worker. This artifact reached the limit, so nothing else about it was decided.',
  fix: 'Audit it locally with `distaudit audit` to see where the time goes; if it is legitimate (a very large artifact), ask the operator to raise DISTAUDIT_AUDIT_TIMEOUT_S.',
};

export const AUDIT_CHECKS: readonly Check[] = [UNSUPPORTED_KIND, INTERNAL_ERROR, RESOURCE_LIMIT, TIMEOUT];
