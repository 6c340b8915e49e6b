/**
 * Multipart uploads (@fastify/multipart): each file part streams into the
 * blob store while it is hashed, never held whole in memory. A part over the
 * size limit ends the request with 413, and nothing half-written remains
 * (the store writes to a temporary file and renames only complete blobs).
 */
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import type { ArtifactSource } from '../queue/jobs.ts';
import { BlobTooLarge } from '../store/blobs.ts';
import type { ServiceContext } from './context.ts';
import { checkArtifactName } from './accept.ts';
import { ApiError, badRequest } from './errors.ts';

export interface Upload {
  files: (ArtifactSource & { blob: string })[];
  fields: Record<string, string>;
}

export async function receiveUpload(req: FastifyRequest, ctx: ServiceContext): Promise<Upload> {
  if (!req.isMultipart()) throw new ApiError(415, 'unsupported-media-type', 'upload artifacts as multipart/form-data, one file part per artifact');
  const { maxUploadBytes, maxFilesPerUpload } = ctx.config;
  const files: Upload['files'] = [];
  const fields: Record<string, string> = {};
  // busboy stops one byte past the store's limit, so the store sees the excess and refuses it.
  for await (const part of req.parts({ limits: { fileSize: maxUploadBytes + 1, files: maxFilesPerUpload, fields: 20, fieldSize: 4096 } })) {
    if (part.type === 'field') {
      fields[part.fieldname] = String(part.value);
      continue;
    }
    const name = checkArtifactName(part.filename ?? '');
    try {
      const blob = await ctx.blobs.put(part.file, maxUploadBytes);
      files.push({ name, blob: blob.sha256, size: blob.size });
    } catch (e) {
      if (e instanceof BlobTooLarge || (e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
        throw new ApiError(413, 'too-large', `${name} is larger than the ${maxUploadBytes}-byte upload limit`);
      }
      throw e;
    }
  }
  if (files.length === 0) throw badRequest('the upload has no file part: send each artifact as a file field of a multipart/form-data body');
  return { files, fields };
}
