/**
 * Bearer tokens. A project token sees only its own project's audits and
 * releases: anything else is "not found", so ids of other projects cannot
 * even be confirmed to exist. The admin token only manages projects.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Records } from '../store/records.ts';
import { ApiError } from './errors.ts';

export function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m ? m[1]! : null;
}

const unauthorized = () => new ApiError(401, 'unauthorized', 'send a project API token as "Authorization: Bearer <token>"');

export async function projectOf(req: FastifyRequest, records: Records): Promise<string> {
  const token = bearer(req);
  if (!token) throw unauthorized();
  const project = await records.projectOfToken(token);
  if (!project) throw new ApiError(401, 'unauthorized', 'the API token is not valid');
  return project;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function requireAdmin(req: FastifyRequest, adminToken: string | null): void {
  if (!adminToken) throw new ApiError(403, 'forbidden', 'project administration over HTTP is off: set DISTAUDIT_ADMIN_TOKEN');
  const token = bearer(req);
  if (!token || !timingSafeEqual(digest(token), digest(adminToken))) throw new ApiError(401, 'unauthorized', 'this needs the admin token');
}
