/** Releases: several artifacts uploaded together and judged as one (coverage matrix, diff with a previous release). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { renderRelease } from '../../release/render.ts';
import type { ReleaseRecord } from '../../store/records.ts';
import { accept } from '../accept.ts';
import { projectOf } from '../auth.ts';
import type { ServiceContext } from '../context.ts';
import { ApiError, ErrorSchema, badRequest, notFound } from '../errors.ts';
import { streamEvents } from '../sse.ts';
import { receiveUpload } from '../uploads.ts';
import { AuditViewSchema, ReleaseViewSchema, IdParams, LimitQuery, ReadErrors, auditView, releaseView } from '../views.ts';
import { CONTENT_TYPES, truthy } from './audits.ts';

const ReleaseAnswer = { type: 'object', properties: { release: ReleaseViewSchema, audits: { type: 'array', items: AuditViewSchema } } };
const RELEASE_FORMATS = ['json', 'markdown', 'text'] as const;

export async function releasesRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const { records } = ctx;

  async function ownRelease(req: FastifyRequest, id: string): Promise<ReleaseRecord> {
    const project = await projectOf(req, records);
    const r = await records.release(id);
    if (!r || r.project !== project) throw notFound(`release ${id}`);
    return r;
  }

  async function withAudits(r: ReleaseRecord) {
    const audits = await Promise.all(r.audits.map((id) => records.audit(id)));
    return { release: releaseView(r), audits: audits.flatMap((a) => (a ? [auditView(a)] : [])) };
  }

  app.post(
    '/v1/releases',
    {
      schema: {
        summary: 'Upload the artifacts of a release, to be judged together',
        description:
          'multipart/form-data: one file part per artifact, a `name` field (e.g. "mypkg 1.4.0"), optionally `previous` (the id of an earlier finished release of the project, to report dropped platforms and raised floors) and `rerun=true`.',
        tags: ['releases'],
        consumes: ['multipart/form-data'],
        response: { 202: ReleaseAnswer, 409: ErrorSchema, 413: ErrorSchema, 415: ErrorSchema, ...ReadErrors },
      },
    },
    async (req, reply) => {
      const project = await projectOf(req, records);
      const upload = await receiveUpload(req, ctx);
      const name = (upload.fields.name ?? '').trim();
      if (!name || name.length > 200) throw badRequest('name the release in a `name` field (at most 200 characters)');
      const previous = upload.fields.previous?.trim() || null;
      const { release, audits } = await accept(ctx, project, upload.files, { via: 'upload', rerun: truthy(upload.fields.rerun), release: { name, previous } });
      return reply.code(202).header('location', releaseView(release!).links.self).send({ release: releaseView(release!), audits: audits.map((a) => auditView(a)) });
    },
  );

  app.get(
    '/v1/releases',
    {
      schema: {
        summary: "The project's recent releases, newest first",
        tags: ['releases'],
        querystring: LimitQuery,
        response: { 200: { type: 'object', properties: { releases: { type: 'array', items: ReleaseViewSchema } } }, ...ReadErrors },
      },
    },
    async (req) => {
      const project = await projectOf(req, records);
      return { releases: (await records.recentReleases(project, (req.query as { limit: number }).limit)).map((r) => releaseView(r)) };
    },
  );

  app.get('/v1/releases/:id', { schema: { summary: 'A release and its audits', tags: ['releases'], params: IdParams, response: { 200: ReleaseAnswer, ...ReadErrors } } }, async (req) =>
    withAudits(await ownRelease(req, (req.params as { id: string }).id)),
  );

  app.get(
    '/v1/releases/:id/report',
    {
      schema: {
        summary: 'The release report: every artifact report, the coverage matrix, release findings',
        description: 'format: json (docs/release.schema.json), markdown or text.',
        tags: ['releases'],
        params: IdParams,
        querystring: { type: 'object', properties: { format: { type: 'string', enum: [...RELEASE_FORMATS], default: 'json' } } },
        response: { 409: ErrorSchema, ...ReadErrors },
      },
    },
    async (req, reply) => {
      const r = await ownRelease(req, (req.params as { id: string }).id);
      const report = r.state === 'done' ? await records.releaseReport(r.id) : null;
      if (!report) throw new ApiError(409, r.state === 'failed' ? 'release-failed' : 'not-ready', `release ${r.id} is ${r.state}${r.state === 'running' ? ` (${r.pending} of ${r.audits.length} audits pending)` : ''}`);
      const format = (req.query as { format: (typeof RELEASE_FORMATS)[number] }).format;
      return reply.type(CONTENT_TYPES[format]).send(renderRelease(report, format));
    },
  );

  app.get(
    '/v1/releases/:id/events',
    { schema: { summary: 'Live release state (Server-Sent Events)', tags: ['releases'], params: IdParams, produces: ['text/event-stream'] } },
    async (req, reply) => {
      const r = await ownRelease(req, (req.params as { id: string }).id);
      await streamEvents(req, reply, ctx.events, r.id, async () => releaseView((await records.release(r.id)) ?? r));
    },
  );
}
