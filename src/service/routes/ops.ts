/** Liveness, readiness and metrics: what an orchestrator and Prometheus ask. */
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/swagger';
import type {} from '@fastify/rate-limit';
import type { Registry } from 'prom-client';
import type { ServiceContext } from '../context.ts';

export async function opsRoutes(app: FastifyInstance, ctx: ServiceContext, metrics: Registry): Promise<void> {
  const quiet = { rateLimit: false } as const;
  app.get('/healthz', { config: quiet, schema: { summary: 'The process is up', tags: ['operations'] } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: quiet, schema: { summary: 'Redis answers and the blob store is writable', tags: ['operations'] } }, async (_req, reply) => {
    const checks: Record<string, string> = {};
    const timeout = (ms: number) => new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref());
    await Promise.race([ctx.redis.ping(), timeout(2000)]).then(
      () => (checks.redis = 'ok'),
      (e: Error) => (checks.redis = e.message),
    );
    await Promise.race([ctx.blobs.checkWritable(), timeout(5000)]).then(
      () => (checks.store = 'ok'),
      (e: Error) => (checks.store = e.message),
    );
    const ready = Object.values(checks).every((v) => v === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
  });

  app.get('/metrics', { config: quiet, schema: { summary: 'Prometheus metrics', tags: ['operations'] } }, async (_req, reply) =>
    reply.type(metrics.contentType).send(await metrics.metrics()),
  );
}
