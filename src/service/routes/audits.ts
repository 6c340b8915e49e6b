/** Audits: upload, list, status, report in every format, live events. */
import type { FastifyInstance } from 'fastify';
import { FORMATS, render, type Format } from '../../report/render.ts';
import { ALL_CHECKS } from '../../rules/index.ts';
import type { AuditRecord } from '../../store/records.ts';
import { accept } from '../accept.ts';
import { projectOf } from '../auth.ts';
import type { ServiceContext } from '../context.ts';
import { ApiError, ErrorSchema, notFound } from '../errors.ts';
import { streamEvents } from '../sse.ts';
import { receiveUpload } from '../uploads.ts';
import { AuditViewSchema, IdParams, LimitQuery, ReadErrors, auditView } from '../views.ts';

export const CONTENT_TYPES: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  sarif: 'application/sarif+json; charset=utf-8',
  junit: 'application/xml; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
  text: 'text/plain; charset=utf-8',
};


export function truthy(v: string | undefined): boolean {
  return v === 'true' || v === '1' || v === 'yes';
}

export async function auditsRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const { records } = ctx;

  /** The audit, if it belongs to the caller's project. */
  async function ownAudit(req: Parameters<typeof projectOf>[0], id: string): Promise<AuditRecord> {
    const project = await projectOf(req, records);
    const a = await records.audit(id);
    if (!a || a.project !== project) throw notFound(`audit ${id}`);
    return a;
  }

  app.post(
    '/v1/audits',
    {
      schema: {
        summary: 'Upload artifacts to audit',
        description:
          'multipart/form-data with one file part per artifact (.whl, .jar, .tgz, .node). Each file streams to the content-addressed store; the answer (202) lists one audit per file. Bytes already audited under the same name reuse the earlier report unless `rerun=true`.',
        tags: ['audits'],
        consumes: ['multipart/form-data'],
        querystring: { type: 'object', properties: { rerun: { type: 'string', enum: ['true', 'false', '1', '0'] } } },
        response: { 202: { type: 'object', properties: { audits: { type: 'array', items: AuditViewSchema } } }, 413: ErrorSchema, 415: ErrorSchema, ...ReadErrors },
      },
    },
    async (req, reply) => {
      const project = await projectOf(req, records);
      const upload = await receiveUpload(req, ctx);
      const rerun = truthy((req.query as { rerun?: string }).rerun) || truthy(upload.fields.rerun);
      const { audits } = await accept(ctx, project, upload.files, { via: 'upload', rerun });
      return reply.code(202).header('location', auditView(audits[0]!).links.self).send({ audits: audits.map((a) => auditView(a)) });
    },
  );

  app.get(
    '/v1/audits',
    {
      schema: {
        summary: "The project's recent audits, newest first",
        tags: ['audits'],
        querystring: LimitQuery,
        response: { 200: { type: 'object', properties: { audits: { type: 'array', items: AuditViewSchema } } }, ...ReadErrors },
      },
    },
    async (req) => {
      const project = await projectOf(req, records);
      const { limit } = req.query as { limit: number };
      return { audits: (await records.recentAudits(project, limit)).map((a) => auditView(a)) };
    },
  );

  app.get('/v1/audits/:id', { schema: { summary: 'Status, progress and verdict of an audit', tags: ['audits'], params: IdParams, response: { 200: AuditViewSchema, ...ReadErrors } } }, async (req) =>
    auditView(await ownAudit(req, (req.params as { id: string }).id)),
  );

  app.get(
    '/v1/audits/:id/report',
    {
      schema: {
        summary: 'The report of a finished audit',
        description: `format: ${FORMATS.join(', ')} (default json; the JSON follows docs/report.schema.json).`,
        tags: ['audits'],
        params: IdParams,
        querystring: { type: 'object', properties: { format: { type: 'string', enum: [...FORMATS], default: 'json' } } },
        response: { 409: ErrorSchema, ...ReadErrors },
      },
    },
    async (req, reply) => {
      const a = await ownAudit(req, (req.params as { id: string }).id);
      const report = a.state === 'done' ? await records.report(a) : null;
      if (!report) {
        throw a.state === 'failed'
          ? new ApiError(409, 'audit-failed', `audit ${a.id} failed: ${a.error?.message ?? 'no report'}`)
          : new ApiError(409, 'not-ready', `audit ${a.id} is ${a.state} (${Math.round(a.progress * 100)}%); follow ${auditView(a).links.events} or poll ${auditView(a).links.self}`);
      }
      const format = (req.query as { format: Format }).format;
      return reply.type(CONTENT_TYPES[format]).send(render([report], format, ALL_CHECKS));
    },
  );

  app.get(
    '/v1/audits/:id/events',
    { schema: { summary: 'Live progress (Server-Sent Events: state, progress…, done)', tags: ['audits'], params: IdParams, produces: ['text/event-stream'] } },
    async (req, reply) => {
      const a = await ownAudit(req, (req.params as { id: string }).id);
      await streamEvents(req, reply, ctx.events, a.id, async () => auditView((await records.audit(a.id)) ?? a));
    },
  );
}
