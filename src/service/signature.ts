/**
 * Signed webhooks and callbacks: HMAC-SHA256 over `<timestamp>.<raw body>`
 * with the project's secret, sent as
 *
 *   X-Distaudit-Timestamp: 1732190000          (unix seconds)
 *   X-Distaudit-Signature: v1=<hex digest>
 *
 * The timestamp is inside the signed bytes, so a captured request cannot be
 * replayed later with a fresh timestamp; the receiver also refuses one
 * outside its time window and (distaudit does) a signature seen before.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'x-distaudit-timestamp';
export const SIGNATURE_HEADER = 'x-distaudit-signature';

export function sign(secret: string, timestamp: number, body: Uint8Array | string): string {
  return 'v1=' + createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

export type SignatureProblem = 'missing' | 'malformed' | 'stale' | 'mismatch';

/** Why a signed request is not to be trusted, or null when it is. */
export function verify(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: Uint8Array,
  windowSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): SignatureProblem | null {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return 'missing';
  if (!/^\d{1,12}$/.test(timestamp) || !/^v1=[0-9a-f]{64}$/.test(signature)) return 'malformed';
  if (Math.abs(nowSeconds - Number(timestamp)) > windowSeconds) return 'stale';
  const expected = Buffer.from(sign(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? null : 'mismatch';
}

/** Headers for a signed POST of `body`. */
export function signedHeaders(secret: string, body: string, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, string> {
  return { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(nowSeconds), [SIGNATURE_HEADER]: sign(secret, nowSeconds, body) };
}
