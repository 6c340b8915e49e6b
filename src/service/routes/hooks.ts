/**
 * The CI webhook: `POST /v1/hooks/ci`, signed with the project's secret
 * (signature.ts). The raw body is what is verified, before anything in it is
 * believed. A timestamp outside the window is refused (stale), a signature
 * seen before is refused (replayed), and an Idempotency-Key makes a retried
 * delivery answer what the first one did instead of auditing twice.
 *
 * Artifacts come inline (base64) or by URL; URLs are fetched by the worker,
 * and only from allowed origins (jobs/fetch-artifact.ts).
 */
import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';
import type { ArtifactSource } from '../../queue/jobs.ts';
import { refuseUrl } from '../../jobs/fetch-artifact.ts';
import { BlobTooLarge } from '../../store/blobs.ts';
import { accept, checkArtifactName } from '../accept.ts';
import type { ServiceContext } from '../context.ts';
import { ApiError, ErrorSchema, badRequest } from '../errors.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verify } from '../signature.ts';
import { AuditViewSchema, ReleaseViewSchema, auditView, releaseView } from '../views.ts';

export const PROJECT_HEADER = 'x-distaudit-project';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

interface HookBody {
  artifacts: { name: string; url?: string; content?: string }[];
  release?: { name: string; previous?: string };
  rerun?: boolean;
}

const HookBodySchema = {
  type: 'object',
  required: ['artifacts'],
  additionalProperties: false,
  properties: {
    artifacts: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', description: 'The artifact file name; it decides the kind (.whl, .jar, .tgz, .node).' },
          url: { type: 'string', description: 'Where to fetch it: only from origins the server or the project allows.' },
          content: { type: 'string', contentEncoding: 'base64', description: 'The bytes, base64.' },
        },
      },
    },
    release: {
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, previous: { type: 'string', description: 'Id of an earlier finished release to compare with.' } },
    },
    rerun: { type: 'boolean', default: false },
  },
} as const;

const HookAnswer = {
  type: 'object',
  properties: {
    statusUrl: { type: 'string' },
    audits: { type: 'array', items: AuditViewSchema },
    release: { anyOf: [ReleaseViewSchema, { type: 'null' }] },
  },
};

const ajv = new Ajv({ useDefaults: true, allErrors: false });
const validateBody = ajv.compile(HookBodySchema);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const SIGNATURE_MESSAGES = {
  missing: `sign the request: ${TIMESTAMP_HEADER} (unix seconds) and ${SIGNATURE_HEADER}: v1=<hex HMAC-SHA256 of "<timestamp>.<body>" with the project's webhook secret>`,
  malformed: `${TIMESTAMP_HEADER} must be unix seconds and ${SIGNATURE_HEADER} "v1=" and 64 hex digits`,
  stale: 'the timestamp is outside the accepted window: check the sender\'s clock, and do not replay old deliveries',
  mismatch: 'the signature does not match the body: check the secret, and sign the exact bytes sent',
} as const;

export async function hooksRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const { records, config } = ctx;
  // The signature covers the exact bytes, so the body is kept raw and parsed only after it is verified.
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: config.maxWebhookBytes }, (_req, body, done) => done(null, body));

  app.post(
    '/v1/hooks/ci',
    {
      bodyLimit: config.maxWebhookBytes,
      schema: {
        summary: 'CI webhook: audit artifacts before a release',
        description:
          `JSON body, signed: ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} (v1=hex HMAC-SHA256 over "<timestamp>.<raw body>" with the project's webhook secret), ${PROJECT_HEADER}: the project, optional ${IDEMPOTENCY_HEADER}. ` +
          'Answers 202 with the audit (or release) and its status URL; if the project has a callback URL, the final verdict is POSTed there, signed the same way.',
        tags: ['webhook'],
        headers: { type: 'object', required: [PROJECT_HEADER], properties: { [PROJECT_HEADER]: { type: 'string', maxLength: 64 }, [IDEMPOTENCY_HEADER]: { type: 'string', maxLength: 255 } } },
        body: { type: 'string', description: 'The JSON described by HookBody.' },
        response: { 200: HookAnswer, 202: HookAnswer, 400: ErrorSchema, 401: ErrorSchema, 409: ErrorSchema, 413: ErrorSchema, 422: ErrorSchema },
      },
      // Validated by hand below: the body is raw bytes until the signature holds.
      validatorCompiler: () => () => true,
    },
    async (req, reply) => {
      const raw = req.body as Buffer;
      const projectName = req.headers[PROJECT_HEADER] as string | undefined;
      const project = projectName ? await records.project(projectName) : null;
      // An unknown project and a bad signature look alike to the sender.
      const problem = project
        ? verify(project.webhookSecret, { timestamp: req.headers[TIMESTAMP_HEADER] as string | undefined, signature: req.headers[SIGNATURE_HEADER] as string | undefined }, raw, config.webhookWindowSeconds)
        : 'mismatch';
      if (!Buffer.isBuffer(raw)) throw new ApiError(415, 'unsupported-media-type', 'send the webhook body as application/json');
      if (problem || !project) throw new ApiError(401, `signature-${problem ?? 'mismatch'}`, SIGNATURE_MESSAGES[problem ?? 'mismatch']);

      const bodySha256 = createHash('sha256').update(raw).digest('hex');
      const key = req.headers[IDEMPOTENCY_HEADER] as string | undefined;
      if (key) {
        const earlier = await records.reserveIdempotent(project.name, key, bodySha256);
        if (earlier) {
          if (earlier.bodySha256 !== bodySha256) throw new ApiError(422, 'idempotency-key-reused', `the ${IDEMPOTENCY_HEADER} ${JSON.stringify(key)} was used with another body`);
          if (earlier.answer === null) throw new ApiError(409, 'in-progress', `a request with the ${IDEMPOTENCY_HEADER} ${JSON.stringify(key)} is still being handled; retry shortly`);
          return reply.code(200).header('idempotent-replayed', 'true').send(earlier.answer);
        }
      }
      try {
        if (!(await records.claimSignature(req.headers[SIGNATURE_HEADER] as string, 2 * config.webhookWindowSeconds + 60))) {
          throw new ApiError(409, 'replayed', `this exact signed request was received before; send an ${IDEMPOTENCY_HEADER} to retry deliveries safely`);
        }
        const body = parseBody(raw, config.maxFilesPerUpload);
        const artifacts = await stage(ctx, project.name, body);
        const { audits, release } = await accept(ctx, project.name, artifacts, {
          via: 'webhook',
          rerun: body.rerun ?? false,
          release: body.release || artifacts.length > 1 ? { name: body.release?.name ?? `${artifacts.length} artifacts`, previous: body.release?.previous ?? null } : null,
        });
        const base = config.publicUrl;
        const answer = {
          statusUrl: release ? releaseView(release, base).links.self : auditView(audits[0]!, base).links.self,
          audits: audits.map((a) => auditView(a, base)),
          release: release ? releaseView(release, base) : null,
        };
        if (key) await records.completeIdempotent(project.name, key, bodySha256, answer);
        return reply.code(202).header('location', answer.statusUrl).send(answer);
      } catch (e) {
        if (key) await records.forgetIdempotent(project.name, key);
        throw e;
      }
    },
  );

  function parseBody(raw: Buffer, maxArtifacts: number): HookBody {
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (e) {
      throw badRequest(`the body is not JSON: ${(e as Error).message}`);
    }
    if (!validateBody(body)) throw badRequest(`the body does not fit the webhook schema: ${ajv.errorsText(validateBody.errors, { dataVar: 'body' })}`);
    const hook = body as HookBody;
    if (hook.artifacts.length > maxArtifacts) throw badRequest(`at most ${maxArtifacts} artifacts per delivery`);
    return hook;
  }
}

/** Inline artifacts go to the blob store now; URL artifacts are checked against the allowed origins now and fetched by the worker. */
async function stage(ctx: ServiceContext, project: string, body: HookBody): Promise<ArtifactSource[]> {
  const origins = await ctx.records.fetchOrigins(project, ctx.config.fetchAllowedOrigins);
  const out: ArtifactSource[] = [];
  for (const a of body.artifacts) {
    const name = checkArtifactName(a.name);
    if ((a.url === undefined) === (a.content === undefined)) throw badRequest(`${name}: give either url or content (base64), not ${a.url === undefined ? 'neither' : 'both'}`);
    if (a.url !== undefined) {
      const why = refuseUrl(a.url, origins);
      if (why) throw new ApiError(422, 'url-not-allowed', `${name}: ${why}`);
      out.push({ name, url: a.url });
      continue;
    }
    if (!BASE64.test(a.content!)) throw badRequest(`${name}: content is not base64`);
    try {
      const blob = await ctx.blobs.put([Buffer.from(a.content!, 'base64')], ctx.config.maxUploadBytes);
      out.push({ name, blob: blob.sha256, size: blob.size });
    } catch (e) {
      if (e instanceof BlobTooLarge) throw new ApiError(413, 'too-large', `${name} is larger than the ${ctx.config.maxUploadBytes}-byte upload limit`);
      throw e;
    }
  }
  return out;
}
