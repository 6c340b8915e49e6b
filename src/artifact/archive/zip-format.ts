/**
 * Zip structures (PKWARE APPNOTE.TXT 6.3.10, https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT):
 * the end-of-central-directory record (4.3.16), the zip64 end record and its
 * locator (4.3.14, 4.3.15), local file headers (4.3.7), data descriptors
 * (4.3.9) and extra fields (4.5, zip64 4.5.3, Info-ZIP Unicode Path 4.6.9).
 * Pure functions over bytes, each bounds-checked: a field that does not fit
 * is an error string, never an exception or an out-of-range read.
 *
 *     const eocd = findEocd(tail, tailOffset, fileEnd); // offset of the record yauzl will use, or null
 *     const h = parseLocalHeader(bytes30);              // fixed part of a local header, or an error
 */

export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_EOCD = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;
export const SIG_DATA_DESCRIPTOR = 0x08074b50;

export const EOCD_SIZE = 22;
export const ZIP64_LOCATOR_SIZE = 20;
export const ZIP64_EOCD_MIN_SIZE = 56;
export const LOCAL_HEADER_SIZE = 30;
export const MAX_COMMENT = 0xffff;

/** General-purpose flag bits (APPNOTE 4.4.4). */
export const FLAG_ENCRYPTED = 0x0001;
export const FLAG_DATA_DESCRIPTOR = 0x0008;
export const FLAG_STRONG_ENCRYPTION = 0x0040;
export const FLAG_UTF8 = 0x0800;
/** The bits whose disagreement between local and central headers changes how an entry is read. */
export const FLAG_COMPARED = FLAG_ENCRYPTED | FLAG_DATA_DESCRIPTOR | FLAG_STRONG_ENCRYPTION | FLAG_UTF8;

export const METHOD_STORED = 0;
export const METHOD_DEFLATED = 8;

export const EXTRA_ZIP64 = 0x0001;
export const EXTRA_UNICODE_PATH = 0x7075;

const METHOD_NAMES: Record<number, string> = {
  0: 'stored',
  1: 'shrunk',
  2: 'reduced',
  3: 'reduced',
  4: 'reduced',
  5: 'reduced',
  6: 'imploded',
  8: 'deflate',
  9: 'deflate64',
  10: 'PKWARE DCL imploded',
  12: 'bzip2',
  14: 'LZMA',
  16: 'IBM z/OS CMPSC',
  18: 'IBM TERSE',
  19: 'IBM LZ77',
  20: 'zstd (deprecated id)',
  93: 'zstd',
  94: 'MP3',
  95: 'xz',
  96: 'JPEG',
  97: 'WavPack',
  98: 'PPMd',
  99: 'AES encryption',
};

/** `12 (bzip2)`: a compression method for a message. */
export function methodName(method: number): string {
  const name = METHOD_NAMES[method];
  return name ? `${method} (${name})` : `${method}`;
}

function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}
function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
/** A little-endian 64-bit value; values beyond 2^53 come back as Infinity (no real offset or size is that large). */
function u64(b: Uint8Array, o: number): number {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  return hi >= 0x200000 ? Infinity : hi * 0x100000000 + lo;
}

export { u16 as readU16, u32 as readU32 };

export interface Eocd {
  /** Absolute offset of the record. */
  offset: number;
  disk: number;
  cdDisk: number;
  entriesOnDisk: number;
  entries: number;
  cdSize: number;
  cdOffset: number;
  commentLength: number;
}

/** Parses the 22 fixed bytes of an end-of-central-directory record found at `offset`. */
export function parseEocd(b: Uint8Array, at: number, offset: number): Eocd | null {
  if (at < 0 || at + EOCD_SIZE > b.length || u32(b, at) !== SIG_EOCD) return null;
  return {
    offset,
    disk: u16(b, at + 4),
    cdDisk: u16(b, at + 6),
    entriesOnDisk: u16(b, at + 8),
    entries: u16(b, at + 10),
    cdSize: u32(b, at + 12),
    cdOffset: u32(b, at + 16),
    commentLength: u16(b, at + 20),
  };
}

/**
 * The end record a reader that requires the comment to reach exactly the end
 * (yauzl) finds: the last signature in `tail` whose comment length ends at
 * `end`. `tail` holds the file bytes `[tailOffset, tailOffset + tail.length)`.
 */
export function findEocd(tail: Uint8Array, tailOffset: number, end: number): Eocd | null {
  const last = Math.min(tail.length, end - tailOffset) - EOCD_SIZE;
  for (let i = last; i >= 0; i--) {
    if (tail[i] !== 0x50 || tail[i + 1] !== 0x4b || tail[i + 2] !== 0x05 || tail[i + 3] !== 0x06) continue;
    const e = parseEocd(tail, i, tailOffset + i);
    if (e && e.offset + EOCD_SIZE + e.commentLength === end) return e;
    if (end - (tailOffset + i) > EOCD_SIZE + MAX_COMMENT) break;
  }
  return null;
}

/** Every end-record signature in `chunk` whose comment fits before `fileSize`, last first. */
export function eocdCandidates(chunk: Uint8Array, chunkOffset: number, fileSize: number): Eocd[] {
  const out: Eocd[] = [];
  for (let i = chunk.length - EOCD_SIZE; i >= 0; i--) {
    if (chunk[i] !== 0x50 || chunk[i + 1] !== 0x4b || chunk[i + 2] !== 0x05 || chunk[i + 3] !== 0x06) continue;
    const e = parseEocd(chunk, i, chunkOffset + i);
    if (e && e.offset + EOCD_SIZE + e.commentLength <= fileSize) out.push(e);
  }
  return out;
}

export interface Zip64Locator {
  offset: number;
  recordDisk: number;
  recordOffset: number;
  disks: number;
}

export function parseZip64Locator(b: Uint8Array, at: number, offset: number): Zip64Locator | null {
  if (at < 0 || at + ZIP64_LOCATOR_SIZE > b.length || u32(b, at) !== SIG_ZIP64_LOCATOR) return null;
  return { offset, recordDisk: u32(b, at + 4), recordOffset: u64(b, at + 8), disks: u32(b, at + 16) };
}

export interface Zip64Eocd {
  /** Total size of the record, signature included (12 + its size field). */
  size: number;
  disk: number;
  cdDisk: number;
  entriesOnDisk: number;
  entries: number;
  cdSize: number;
  cdOffset: number;
}

export function parseZip64Eocd(b: Uint8Array): Zip64Eocd | null {
  if (b.length < ZIP64_EOCD_MIN_SIZE || u32(b, 0) !== SIG_ZIP64_EOCD) return null;
  return {
    size: 12 + u64(b, 4),
    disk: u32(b, 16),
    cdDisk: u32(b, 20),
    entriesOnDisk: u64(b, 24),
    entries: u64(b, 32),
    cdSize: u64(b, 40),
    cdOffset: u64(b, 48),
  };
}

export interface ExtraField {
  id: number;
  data: Uint8Array;
}

/** Splits an extra-field block into its fields; an error when a field overruns the block. */
export function parseExtraFields(b: Uint8Array): ExtraField[] | string {
  const out: ExtraField[] = [];
  let i = 0;
  while (i + 4 <= b.length) {
    const id = u16(b, i);
    const size = u16(b, i + 2);
    if (i + 4 + size > b.length) return `extra field 0x${id.toString(16).padStart(4, '0')} overruns the extra-field block`;
    out.push({ id, data: b.subarray(i + 4, i + 4 + size) });
    i += 4 + size;
  }
  // Fewer than 4 bytes left over: padding some writers add (zipalign); not a field.
  return out;
}

export interface LocalHeader {
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  nameLength: number;
  extraLength: number;
}

/** Parses the 30 fixed bytes of a local file header. */
export function parseLocalHeader(b: Uint8Array): LocalHeader | string {
  if (b.length < LOCAL_HEADER_SIZE) return 'the local header is cut short by the end of the file';
  const sig = u32(b, 0);
  if (sig !== SIG_LOCAL) return `no local header signature (found 0x${sig.toString(16).padStart(8, '0')})`;
  return {
    flags: u16(b, 6),
    method: u16(b, 8),
    crc32: u32(b, 14),
    compressedSize: u32(b, 18),
    uncompressedSize: u32(b, 22),
    nameLength: u16(b, 26),
    extraLength: u16(b, 28),
  };
}

/**
 * The sizes of a local header after its zip64 extra field (which, in a local
 * header, holds both sizes when either is 0xFFFFFFFF: APPNOTE 4.5.3).
 * `zip64` tells whether a zip64 field was present (data descriptors then hold
 * 8-byte sizes).
 */
export function localSizes(h: LocalHeader, extras: ExtraField[]): { compressedSize: number; uncompressedSize: number; zip64: boolean } | string {
  const z = extras.filter((e) => e.id === EXTRA_ZIP64);
  if (z.length > 1) return 'the local header carries more than one zip64 extra field';
  let { compressedSize, uncompressedSize } = h;
  const f = z[0];
  if (f) {
    let at = 0;
    if (uncompressedSize === 0xffffffff) {
      if (f.data.length < at + 8) return 'the zip64 extra field of the local header lacks the uncompressed size';
      uncompressedSize = u64(f.data, at);
      at += 8;
    }
    if (compressedSize === 0xffffffff) {
      if (f.data.length < at + 8) return 'the zip64 extra field of the local header lacks the compressed size';
      compressedSize = u64(f.data, at);
    }
  }
  // 0xFFFFFFFF without a zip64 field is taken as is (a real 4 GiB - 1 size, or a lie the comparison catches).
  return { compressedSize, uncompressedSize, zip64: f !== undefined };
}

export interface DataDescriptor {
  /** Bytes the descriptor occupies, signature included. */
  length: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
}

/**
 * Parses a data descriptor from the bytes right after an entry's data (up to
 * 24). The signature is optional (APPNOTE 4.3.9.3); sizes are 8 bytes when
 * the local header had a zip64 field.
 */
export function parseDataDescriptor(b: Uint8Array, zip64: boolean): DataDescriptor | null {
  const sig = b.length >= 4 && u32(b, 0) === SIG_DATA_DESCRIPTOR ? 4 : 0;
  const need = sig + 4 + (zip64 ? 16 : 8);
  if (b.length < need) return null;
  const crc32 = u32(b, sig);
  const compressedSize = zip64 ? u64(b, sig + 4) : u32(b, sig + 4);
  const uncompressedSize = zip64 ? u64(b, sig + 12) : u32(b, sig + 8);
  return { length: need, crc32, compressedSize, uncompressedSize };
}

/** The UTF-8 name of an Info-ZIP Unicode Path field (version 1) that applies to `rawName` (its CRC matches), else null. */
export function unicodePathName(extras: ExtraField[], rawName: Uint8Array, crc32: (b: Uint8Array) => number): Uint8Array | null {
  for (const f of extras) {
    if (f.id !== EXTRA_UNICODE_PATH || f.data.length < 5 || f.data[0] !== 1) continue;
    if (u32(f.data, 1) !== crc32(rawName)) continue;
    return f.data.subarray(5);
  }
  return null;
}

/** Unix file type of a mode, for messages. */
export function fileTypeName(mode: number): string {
  switch (mode & 0o170000) {
    case 0o140000:
      return 'a socket';
    case 0o120000:
      return 'a symbolic link';
    case 0o060000:
      return 'a block device';
    case 0o020000:
      return 'a character device';
    case 0o010000:
      return 'a FIFO';
    case 0o040000:
      return 'a directory';
    case 0o100000:
    case 0:
      return 'a regular file';
    default:
      return `an unknown file type (0o${(mode & 0o170000).toString(8)})`;
  }
}
