/**
 * The framing of a gzip file (RFC 1952, https://www.rfc-editor.org/rfc/rfc1952):
 * one or more members, each a header, a raw deflate stream (RFC 1951) and an
 * 8-byte trailer holding the CRC-32 and the size (mod 2^32) of the inflated
 * data. Only the framing is parsed here; zlib inflates the deflate streams.
 *
 *     const h = parseGzipHeader(firstBytes, false);
 *     if ('error' in h) ...; else inflate from h.size, then parseGzipTrailer(...)
 *
 * zlib (and so gunzip, Node and npm) refuses a header with reserved flag bits
 * set or a method other than deflate, and checks the header CRC when FHCRC is
 * set; so does this parser.
 */
import { crc32 } from 'node:zlib';

export const GZIP_TRAILER_SIZE = 8;
/** Longest member header read: the optional name, comment and extra field are short in practice (npm writes none). */
export const MAX_GZIP_HEADER = 64 * 1024;

const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const FRESERVED = 0xe0;
const CM_DEFLATE = 8;

export function isGzipMagic(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** Compressed container formats recognised by their magic bytes (for a message naming what a file is). */
export function containerOf(head: Uint8Array): 'gzip' | 'zstd' | 'bzip2' | 'xz' | 'zip' | null {
  const starts = (...m: number[]) => head.length >= m.length && m.every((x, i) => head[i] === x);
  if (isGzipMagic(head)) return 'gzip';
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  if (starts(0x42, 0x5a, 0x68)) return 'bzip2';
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) return 'zip';
  return null;
}

export interface GzipHeader {
  /** Bytes of the header: the deflate stream starts this far into the member. */
  size: number;
  /** The original file name (FNAME), as Latin-1, if present. */
  name: string | null;
}

export interface GzipHeaderError {
  error: string;
  /** True when the bytes end before the header does (a truncated file). */
  truncated: boolean;
}

/**
 * Parses the member header at the start of `b`. `b` holds the bytes from the
 * member's start, up to MAX_GZIP_HEADER of them; `atEnd` says they reach the
 * end of the file (so a header cut by them is truncated, not too long).
 */
export function parseGzipHeader(b: Uint8Array, atEnd: boolean): GzipHeader | GzipHeaderError {
  const short = (): GzipHeaderError =>
    atEnd || b.length < MAX_GZIP_HEADER
      ? { error: 'the file ends inside a gzip member header', truncated: true }
      : { error: `a gzip member header is longer than ${MAX_GZIP_HEADER} bytes (its name, comment or extra field never ends)`, truncated: false };
  if (b.length < 10) return isGzipMagic(b) || b.length < 2 ? short() : { error: 'no gzip magic bytes (1f 8b)', truncated: false };
  if (!isGzipMagic(b)) return { error: 'no gzip magic bytes (1f 8b)', truncated: false };
  const method = b[2]!;
  const flags = b[3]!;
  if (method !== CM_DEFLATE) return { error: `gzip compression method ${method} is not deflate (8)`, truncated: false };
  if ((flags & FRESERVED) !== 0) return { error: `reserved gzip header flags are set (0x${flags.toString(16).padStart(2, '0')})`, truncated: false };
  let at = 10;
  if (flags & FEXTRA) {
    if (at + 2 > b.length) return short();
    at += 2 + (b[at]! | (b[at + 1]! << 8));
    if (at > b.length) return short();
  }
  let name: string | null = null;
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    const end = b.indexOf(0, at);
    if (end < 0) return short();
    if (flag === FNAME) name = Buffer.from(b.subarray(at, end)).toString('latin1');
    at = end + 1;
  }
  if (flags & FHCRC) {
    if (at + 2 > b.length) return short();
    const stored = b[at]! | (b[at + 1]! << 8);
    const computed = crc32(b.subarray(0, at)) & 0xffff;
    if (stored !== computed) {
      return { error: `the gzip header CRC is 0x${stored.toString(16).padStart(4, '0')} but the header hashes to 0x${computed.toString(16).padStart(4, '0')}`, truncated: false };
    }
    at += 2;
  }
  return { size: at, name };
}

export interface GzipTrailer {
  crc32: number;
  /** The inflated size modulo 2^32. */
  isize: number;
}

export function parseGzipTrailer(b: Uint8Array): GzipTrailer | null {
  if (b.length < GZIP_TRAILER_SIZE) return null;
  const v = new DataView(b.buffer, b.byteOffset, GZIP_TRAILER_SIZE);
  return { crc32: v.getUint32(0, true), isize: v.getUint32(4, true) };
}
