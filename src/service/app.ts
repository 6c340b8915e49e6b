/**
 * The HTTP API (fastify), assembled from one plugin per concern: audits,
 * releases, the CI webhook, projects, operations, the dashboard. Route
 * schemas validate requests, shape answers and make the OpenAPI document
 * at /docs, all from one source.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { hashToken } from '../store/records.ts';
import { packageRoot, toolVersion } from '../tool.ts';
import { bearer } from './auth.ts';
import type { ServiceContext } from './context.ts';
import { ApiError } from './errors.ts';
import { createMetrics } from './metrics.ts';
import { auditsRoutes } from './routes/audits.ts';
import { hooksRoutes } from './routes/hooks.ts';
import { opsRoutes } from './routes/ops.ts';
import { projectsRoutes } from './routes/projects.ts';
import { releasesRoutes } from './routes/releases.ts';

/** fastify's and its plugins' error codes → our status and code. */
function classify(e: Error & { code?: string; statusCode?: number; validation?: unknown }): ApiError {
  if (e instanceof ApiError) return e;
  if (e.validation) return new ApiError(400, 'bad-request', e.message);
  switch (e.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_FILES_LIMIT':
      return new ApiError(413, 'too-large', e.message);
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_PROTO_VIOLATION':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new ApiError(400, 'bad-request', e.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported-media-type', e.message);
  }
  // Redis away (ioredis gave up retrying the command): the service is unavailable, not broken.
  if (e.name === 'MaxRetriesPerRequestError' || /Connection is closed|ECONNREFUSED|ENOENT.*\.sock/.test(e.message)) {
    return new ApiError(503, 'unavailable', 'the service cannot reach its database right now; retry shortly');
  }
  if (e.statusCode === 429) return new ApiError(429, 'rate-limited', e.message);
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new ApiError(e.statusCode, 'bad-request', e.message);
  return new ApiError(500, 'internal', 'the server failed to handle the request; the log has the details under this request id');
}

export async function buildApp(ctx: ServiceContext, logger: FastifyServerOptions['logger'] = true): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
    // The upload limit is enforced per file while streaming; this bounds every other body.
    bodyLimit: 1024 * 1024,
    trustProxy: process.env.DISTAUDIT_TRUST_PROXY === '1',
  });

  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.setErrorHandler(async (e: Error, req, reply) => {
    const api = classify(e);
    if (api.status >= 500) req.log.error({ err: e }, 'request failed');
    else req.log.info({ code: api.code, message: api.message }, 'request refused');
    return reply.code(api.status).send({ error: { code: api.code, message: api.message } });
  });
  app.setNotFoundHandler(async (req, reply) => reply.code(404).send({ error: { code: 'not-found', message: `no route ${req.method} ${req.url.split('?')[0]}` } }));

  await app.register(swagger, {
    openapi: {
      info: { title: 'distaudit', version: toolVersion(), description: 'Release gate for artifacts with native code. Authenticate with "Authorization: Bearer <project token>".' },
      components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } },
      security: [{ token: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(rateLimit, {
    global: true,
    max: ctx.config.rateLimitPerMinute,
    timeWindow: 60_000,
    redis: ctx.redis,
    nameSpace: 'da:ratelimit:',
    // Per token when one is sent (hashed, never logged), else per address.
    keyGenerator: (req) => {
      const t = bearer(req);
      return t ? `t:${hashToken(t)}` : `ip:${req.ip}`;
    },
    errorResponseBuilder: (_req, c) => ({ statusCode: 429, code: 'rate-limited', message: `more than ${c.max} requests per minute; retry in ${c.after}` }),
  });
  await app.register(multipart, { throwFileSizeLimit: true });

  const metrics = createMetrics(ctx.queues, ctx.records, ctx.events);
  await app.register(async (scope) => opsRoutes(scope, ctx, metrics));
  await app.register(async (scope) => auditsRoutes(scope, ctx));
  await app.register(async (scope) => releasesRoutes(scope, ctx));
  await app.register(async (scope) => projectsRoutes(scope, ctx));
  await app.register(async (scope) => hooksRoutes(scope, ctx));

  // The dashboard: static files, no build step, nothing fetched at run time.
  await app.register(fastifyStatic, { root: join(packageRoot(), 'dashboard'), prefix: '/ui/', index: 'index.html' });
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/ui/'));
  app.get('/ui', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/ui/'));
  return app;
}
