/** Project administration (the admin token): create projects, issue tokens, set the callback URL and allowed origins. */
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../auth.ts';
import type { ServiceContext } from '../context.ts';
import { ApiError, ErrorSchema, badRequest, notFound } from '../errors.ts';

const NAME = '^[a-z0-9][a-z0-9._-]{0,63}$';
const Settings = {
  callbackUrl: { type: ['string', 'null'], description: 'Where final verdicts are POSTed, signed with the webhook secret.' },
  allowedOrigins: { type: 'array', items: { type: 'string' }, maxItems: 64, description: "Origins ('https://ci.example.com') webhooks may name artifact URLs on." },
} as const;
const ProjectView = {
  type: 'object',
  properties: { name: { type: 'string' }, createdAt: { type: 'integer' }, callbackUrl: { type: ['string', 'null'] }, allowedOrigins: { type: 'array', items: { type: 'string' } } },
};

function checkSettings(s: { callbackUrl?: string | null; allowedOrigins?: string[] }): void {
  if (s.callbackUrl) {
    const u = URL.canParse(s.callbackUrl) ? new URL(s.callbackUrl) : null;
    if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:')) throw badRequest(`callbackUrl must be an http(s) URL, not ${JSON.stringify(s.callbackUrl)}`);
  }
  for (const o of s.allowedOrigins ?? []) {
    if (!URL.canParse(o) || new URL(o).origin !== o) throw badRequest(`allowed origins are written as scheme://host[:port] with nothing after, not ${JSON.stringify(o)}`);
  }
}

const view = (p: { name: string; createdAt: number; callbackUrl: string | null; allowedOrigins: string[] }) => ({ name: p.name, createdAt: p.createdAt, callbackUrl: p.callbackUrl, allowedOrigins: p.allowedOrigins });

export async function projectsRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const { records, config } = ctx;
  const Errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

  app.post(
    '/v1/projects',
    {
      schema: {
        summary: 'Create a project (admin)',
        description: 'Answers the project, its first API token and its webhook secret. Neither is shown again: the token is stored hashed.',
        tags: ['projects'],
        body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', pattern: NAME }, ...Settings } },
        response: { 201: { type: 'object', properties: { project: ProjectView, token: { type: 'string' }, webhookSecret: { type: 'string' } } }, 409: ErrorSchema, ...Errors },
      },
    },
    async (req, reply) => {
      requireAdmin(req, config.adminToken);
      const body = req.body as { name: string; callbackUrl?: string | null; allowedOrigins?: string[] };
      checkSettings(body);
      const created = await records.createProject(body.name, body);
      if (!created) throw new ApiError(409, 'exists', `project ${body.name} exists`);
      return reply.code(201).send({ project: view(created.project), token: created.token, webhookSecret: created.project.webhookSecret });
    },
  );

  app.patch(
    '/v1/projects/:name',
    {
      schema: {
        summary: "Change a project's callback URL or allowed origins (admin)",
        tags: ['projects'],
        params: { type: 'object', properties: { name: { type: 'string', pattern: NAME } } },
        body: { type: 'object', additionalProperties: false, properties: Settings },
        response: { 200: ProjectView, ...Errors },
      },
    },
    async (req) => {
      requireAdmin(req, config.adminToken);
      const body = req.body as { callbackUrl?: string | null; allowedOrigins?: string[] };
      checkSettings(body);
      const p = await records.updateProject((req.params as { name: string }).name, body);
      if (!p) throw notFound(`project ${(req.params as { name: string }).name}`);
      return view(p);
    },
  );

  app.post(
    '/v1/projects/:name/tokens',
    {
      schema: {
        summary: 'Issue another API token for a project (admin)',
        tags: ['projects'],
        params: { type: 'object', properties: { name: { type: 'string', pattern: NAME } } },
        response: { 201: { type: 'object', properties: { token: { type: 'string' } } }, ...Errors },
      },
    },
    async (req, reply) => {
      requireAdmin(req, config.adminToken);
      const name = (req.params as { name: string }).name;
      if (!(await records.project(name))) throw notFound(`project ${name}`);
      return reply.code(201).send({ token: await records.issueToken(name) });
    },
  );
}
