/**
 * Fetches an artifact a webhook named by URL, only from allowed origins (no
 * server-side request forgery): the scheme, host and port of the URL, and of
 * every redirect, must be one of the configured origins exactly; credentials
 * in URLs are refused; the body streams into the blob store under a size limit.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { BlobTooLarge, type BlobStore, type StoredBlob } from '../store/blobs.ts';

export class FetchRefused extends Error {
  constructor(
    readonly code: 'url-not-allowed' | 'fetch-failed' | 'too-large',
    message: string,
  ) {
    super(message);
  }
}

const MAX_REDIRECTS = 5;

/** Why a URL may not be fetched, or null when its origin is allowed. */
export function refuseUrl(raw: string, allowedOrigins: readonly string[]): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `not a URL: ${raw}`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `only http and https URLs are fetched, not ${url.protocol}`;
  if (url.username || url.password) return 'URLs with credentials are refused';
  if (!allowedOrigins.includes(url.origin)) return `${url.origin} is not an allowed origin for artifact URLs (allowed: ${allowedOrigins.length > 0 ? allowedOrigins.join(', ') : 'none configured'})`;
  return null;
}

export async function fetchArtifact(
  raw: string,
  allowedOrigins: readonly string[],
  blobs: BlobStore,
  options: { maxBytes: number; timeoutMs: number },
): Promise<StoredBlob> {
  let url = raw;
  const signal = AbortSignal.timeout(options.timeoutMs);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const why = refuseUrl(url, allowedOrigins);
    if (why) throw new FetchRefused('url-not-allowed', hop === 0 ? why : `redirected to ${url}: ${why}`);
    let res: Response;
    try {
      res = await fetch(url, { redirect: 'manual', signal });
    } catch (e) {
      throw new FetchRefused('fetch-failed', `fetching ${url} failed: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`);
    }
    if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
      await res.body?.cancel();
      url = new URL(res.headers.get('location')!, url).href;
      continue;
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new FetchRefused('fetch-failed', `fetching ${url} answered HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > options.maxBytes) {
      await res.body.cancel();
      throw new FetchRefused('too-large', `${url} is ${declared} bytes, over the ${options.maxBytes}-byte limit`);
    }
    try {
      return await blobs.put(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), options.maxBytes);
    } catch (e) {
      if (e instanceof BlobTooLarge) throw new FetchRefused('too-large', `${url} is over the ${options.maxBytes}-byte limit`);
      throw new FetchRefused('fetch-failed', `fetching ${url} failed: ${(e as Error).message}`);
    }
  }
  throw new FetchRefused('fetch-failed', `${raw}: more than ${MAX_REDIRECTS} redirects`);
}
