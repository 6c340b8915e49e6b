/** The JSON the API answers for audits and releases: the record, plus links. */
import type { AuditRecord, ReleaseRecord } from '../store/records.ts';
import { ErrorSchema } from './errors.ts';

/** Route schema pieces the audit and release routes share. */
export const IdParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;
export const LimitQuery = { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } } } as const;
export const ReadErrors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema };

export function auditView(a: AuditRecord, base = '') {
  const self = `${base}/v1/audits/${a.id}`;
  return { ...a, links: { self, events: `${self}/events`, report: `${self}/report`, dashboard: `${base}/ui/#/audits/${a.id}` } };
}

export function releaseView(r: ReleaseRecord, base = '') {
  const self = `${base}/v1/releases/${r.id}`;
  return { ...r, links: { self, events: `${self}/events`, report: `${self}/report`, dashboard: `${base}/ui/#/releases/${r.id}` } };
}

const Counts = { type: ['object', 'null'], properties: { errors: { type: 'integer' }, warnings: { type: 'integer' }, infos: { type: 'integer' } } };
const Links = { type: 'object', additionalProperties: { type: 'string' } };
const Verdict = { type: ['string', 'null'], enum: ['pass', 'warn', 'fail', null] };

export const AuditViewSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    project: { type: 'string' },
    file: { type: 'string' },
    sha256: { type: ['string', 'null'] },
    size: { type: ['integer', 'null'] },
    url: { type: ['string', 'null'] },
    via: { type: 'string', enum: ['upload', 'webhook'] },
    state: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] },
    stage: { type: 'string' },
    progress: { type: 'number' },
    createdAt: { type: 'integer' },
    startedAt: { type: ['integer', 'null'] },
    finishedAt: { type: ['integer', 'null'] },
    verdict: Verdict,
    counts: Counts,
    reusedFrom: { type: ['string', 'null'] },
    error: { type: ['object', 'null'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
    release: { type: ['string', 'null'] },
    links: Links,
  },
} as const;

export const ReleaseViewSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    project: { type: 'string' },
    name: { type: 'string' },
    audits: { type: 'array', items: { type: 'string' } },
    previous: { type: ['string', 'null'] },
    state: { type: 'string', enum: ['running', 'done', 'failed'] },
    pending: { type: 'integer' },
    createdAt: { type: 'integer' },
    finishedAt: { type: ['integer', 'null'] },
    verdict: Verdict,
    counts: Counts,
    links: Links,
  },
} as const;
