/**
 * RECORD: the wheel's manifest, a CSV file with one row per file:
 * `path,algorithm=urlsafe-base64-nopad-digest,size`. Every file of the wheel
 * except RECORD itself (and the signature files RECORD.jws / RECORD.p7s) must
 * be listed with a hash of sha256 or better (md5 and sha1 are forbidden);
 * installers must verify the hashes.
 *
 * This module parses RECORD (a small RFC 4180 reader that behaves like
 * Python's `csv` module on the inputs wheel tools write: quoted fields, doubled
 * quotes, CRLF / LF / CR line ends) and verifies the rows against an archive
 * scan, where every entry carries the sha256 of its inflated bytes.
 *
 * Spec: https://packaging.python.org/en/latest/specifications/binary-distribution-format/#the-dist-info-directory
 * and https://packaging.python.org/en/latest/specifications/recording-installed-packages/#the-record-file
 *
 * @example
 * const { rows } = parseRecord('pkg/__init__.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\n');
 * rows[0].hash?.hex // 'e3b0c442...' (sha256 of the empty file)
 */
import type { ArchiveEntry } from '../archive/types.ts';

// ---------------------------------------------------------------------------
// CSV

export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  fields: string[];
}

export interface CsvProblem {
  line: number;
  message: string;
}

/** Index of the next ',', CR or LF at or after `i` (or the end). */
function endOfField(text: string, i: number): number {
  const re = /[,\r\n]/g;
  re.lastIndex = i;
  const m = re.exec(text);
  return m ? m.index : text.length;
}

/** Line ends (CRLF, LF or CR) in a piece of text. */
function countLineEnds(s: string): number {
  return s.match(/\r\n|\n|\r/g)?.length ?? 0;
}

/**
 * Splits CSV text into records (',' delimiter, '"' quote, '""' for a quote
 * inside a quoted field). A blank line is a record with no fields, as Python's
 * csv.reader yields it; a final line end does not start another record.
 */
export function parseCsv(text: string): { records: CsvRecord[]; problems: CsvProblem[] } {
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    // A blank line.
    if (text[i] === '\n' || text[i] === '\r') {
      i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
      records.push({ line: start, fields });
      line++;
      continue;
    }
    let endOfRecord = false;
    while (!endOfRecord) {
      let field: string;
      if (text[i] === '"') {
        i++;
        let closed = false;
        const parts: string[] = [];
        while (i < n) {
          const q = text.indexOf('"', i);
          const chunk = text.slice(i, q < 0 ? n : q);
          parts.push(chunk);
          line += countLineEnds(chunk);
          if (q < 0) {
            i = n;
            break;
          }
          if (text[q + 1] === '"') {
            parts.push('"');
            i = q + 2;
            continue;
          }
          i = q + 1;
          closed = true;
          break;
        }
        field = parts.join('');
        if (!closed) problems.push({ line: start, message: 'quoted field not closed before the end of the file' });
        // Text between the closing quote and the next delimiter.
        const end = endOfField(text, i);
        if (end > i) {
          const trailing = text.slice(i, end);
          problems.push({ line, message: `characters after a closing quote: ${JSON.stringify(trailing.slice(0, 40))}` });
          field += trailing;
          i = end;
        }
      } else {
        const end = endOfField(text, i);
        field = text.slice(i, end);
        i = end;
      }
      fields.push(field);
      if (i >= n) {
        endOfRecord = true;
      } else if (text[i] === ',') {
        i++;
        // A delimiter at the very end of the text or of a line leaves one more empty field.
        if (i >= n || text[i] === '\n' || text[i] === '\r') {
          fields.push('');
          if (i < n) {
            i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
            line++;
          }
          endOfRecord = true;
        }
      } else {
        i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        endOfRecord = true;
      }
    }
    records.push({ line: start, fields });
  }
  return { records, problems };
}

// ---------------------------------------------------------------------------
// RECORD rows

/** Digest sizes in bytes of the hashlib algorithms a RECORD may name. */
export const DIGEST_BYTES: Readonly<Record<string, number>> = {
  md5: 16,
  sha1: 20,
  sha224: 28,
  sha256: 32,
  sha384: 48,
  sha512: 64,
  sha3_224: 28,
  sha3_256: 32,
  sha3_384: 48,
  sha3_512: 64,
  blake2b: 64,
  blake2s: 32,
};

/** Algorithms weaker than sha256: md5 and sha1 are forbidden by the spec; sha224 is below its "sha256 or better". */
export const WEAK_ALGORITHMS: ReadonlySet<string> = new Set(['md5', 'sha1', 'sha224']);

export interface RecordHash {
  algorithm: string;
  /** The digest as written (urlsafe base64, no padding). */
  digest: string;
  /** The digest decoded, hex; null when it does not decode to the algorithm's size. */
  hex: string | null;
}

export interface RecordRow {
  line: number;
  path: string;
  hash: RecordHash | null;
  size: number | null;
}

export type RecordProblemKind = 'csv' | 'fields' | 'hash' | 'size' | 'path' | 'duplicate' | 'empty';

export interface RecordProblem {
  kind: RecordProblemKind;
  line: number;
  path: string | null;
  message: string;
}

/** Decodes urlsafe base64 without padding (padding tolerated) to hex; null if it is not base64url. */
export function base64UrlToHex(s: string): string | null {
  const bare = s.replace(/=+$/, '');
  if (!/^[A-Za-z0-9_-]*$/.test(bare) || bare.length % 4 === 1) return null;
  return Buffer.from(bare, 'base64url').toString('hex');
}

export function parseRecord(text: string): { rows: RecordRow[]; problems: RecordProblem[] } {
  const { records, problems: csvProblems } = parseCsv(text);
  const problems: RecordProblem[] = csvProblems.map((p) => ({ kind: 'csv', line: p.line, path: null, message: p.message }));
  const rows: RecordRow[] = [];
  const seen = new Map<string, number>();
  for (const r of records) {
    if (r.fields.length === 0) {
      problems.push({ kind: 'fields', line: r.line, path: null, message: 'blank line (installers read it as a row with 0 of 3 fields)' });
      continue;
    }
    if (r.fields.length !== 3) {
      problems.push({ kind: 'fields', line: r.line, path: r.fields[0] ?? null, message: `${r.fields.length} fields instead of 3 (path, hash, size)` });
      if (r.fields.length < 3) continue;
    }
    const [path, hashField, sizeField] = r.fields as [string, string, string];
    if (path === '') {
      problems.push({ kind: 'path', line: r.line, path: null, message: 'empty path' });
      continue;
    }
    if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.split(/[/\\]/).includes('..')) {
      problems.push({ kind: 'path', line: r.line, path, message: `path ${JSON.stringify(path)} leaves the install directory (absolute, drive letter or '..')` });
    }
    let hash: RecordHash | null = null;
    if (hashField !== '') {
      const eq = hashField.indexOf('=');
      if (eq <= 0) {
        problems.push({ kind: 'hash', line: r.line, path, message: `hash ${JSON.stringify(hashField.slice(0, 80))} is not algorithm=digest` });
      } else {
        const algorithm = hashField.slice(0, eq).toLowerCase();
        const digest = hashField.slice(eq + 1);
        let hex = base64UrlToHex(digest);
        const bytes = DIGEST_BYTES[algorithm];
        if (bytes === undefined) {
          problems.push({ kind: 'hash', line: r.line, path, message: `unknown hash algorithm '${algorithm}'` });
        } else if (hex === null || hex.length !== bytes * 2) {
          problems.push({ kind: 'hash', line: r.line, path, message: `digest '${digest.slice(0, 100)}' is not ${bytes} bytes of urlsafe base64 (${algorithm})` });
          hex = null;
        }
        hash = { algorithm, digest, hex };
      }
    }
    let size: number | null = null;
    if (sizeField !== '') {
      if (/^\d+$/.test(sizeField)) size = Number(sizeField);
      else problems.push({ kind: 'size', line: r.line, path, message: `size ${JSON.stringify(sizeField.slice(0, 40))} is not a number of bytes` });
    }
    const prev = seen.get(path);
    if (prev !== undefined) problems.push({ kind: 'duplicate', line: r.line, path, message: `${path} is listed again (first on line ${prev})` });
    else seen.set(path, r.line);
    rows.push({ line: r.line, path, hash, size });
  }
  if (records.length === 0) problems.push({ kind: 'empty', line: 1, path: null, message: 'RECORD is empty (it must at least list itself)' });
  return { rows, problems };
}

// ---------------------------------------------------------------------------
// Verification against the archive

export interface HashMismatch {
  path: string;
  algorithm: string;
  recorded: string;
  actual: string;
  recordedSize: number | null;
  actualSize: number;
}

export interface SizeMismatch {
  path: string;
  recordedSize: number;
  actualSize: number;
}

export interface RecordVerification {
  /** sha256 rows whose digest differs from the entry's. */
  hashMismatches: HashMismatch[];
  /** Rows whose size differs while the hash matches or cannot be checked here. */
  sizeMismatches: SizeMismatch[];
  /** Files in the archive that RECORD does not list (RECORD and its signatures excepted). */
  unlisted: string[];
  /** Rows naming a file the archive does not have. */
  phantom: string[];
  /** Rows hashed with md5 / sha1 / sha224. */
  weak: { path: string; algorithm: string }[];
  /** Rows of files (not RECORD or its signatures) without a hash. */
  noHash: string[];
  /** Rows with an algorithm other than sha256 (the scan only computes sha256), or files the scan could not hash. */
  unverified: { path: string; algorithm: string | null }[];
}

/** Paths RECORD need not list and may list without a hash: RECORD itself and its signatures. */
export function recordExempt(path: string, recordPath: string): boolean {
  return path === recordPath || path === `${recordPath}.jws` || path === `${recordPath}.p7s`;
}

export function verifyRecord(rows: RecordRow[], entries: ArchiveEntry[], recordPath: string): RecordVerification {
  const files = new Map<string, ArchiveEntry>();
  const dirs = new Set<string>();
  for (const e of entries) {
    if (e.isDirectory) dirs.add(e.path);
    else if (!files.has(e.path)) files.set(e.path, e);
  }
  const listed = new Set<string>();
  const out: RecordVerification = { hashMismatches: [], sizeMismatches: [], unlisted: [], phantom: [], weak: [], noHash: [], unverified: [] };
  for (const row of rows) {
    if (listed.has(row.path)) continue;
    listed.add(row.path);
    // A directory row ('pkg/') names no file; some tools write them.
    if (row.path.endsWith('/') && !row.hash && dirs.has(row.path)) continue;
    const exempt = recordExempt(row.path, recordPath);
    if (row.hash && WEAK_ALGORITHMS.has(row.hash.algorithm)) out.weak.push({ path: row.path, algorithm: row.hash.algorithm });
    if (!row.hash && !exempt) out.noHash.push(row.path);
    const entry = files.get(row.path);
    if (!entry) {
      out.phantom.push(row.path);
      continue;
    }
    if (row.hash?.hex && row.hash.algorithm === 'sha256' && entry.sha256) {
      if (row.hash.hex !== entry.sha256) {
        out.hashMismatches.push({ path: row.path, algorithm: 'sha256', recorded: row.hash.hex, actual: entry.sha256, recordedSize: row.size, actualSize: entry.size });
        continue;
      }
    } else if (row.hash?.hex && !WEAK_ALGORITHMS.has(row.hash.algorithm)) {
      out.unverified.push({ path: row.path, algorithm: row.hash.algorithm });
    } else if (row.hash && !entry.sha256) {
      out.unverified.push({ path: row.path, algorithm: null });
    }
    if (row.size !== null && row.size !== entry.size && entry.sha256 !== null) {
      out.sizeMismatches.push({ path: row.path, recordedSize: row.size, actualSize: entry.size });
    }
  }
  for (const path of files.keys()) if (!listed.has(path) && !recordExempt(path, recordPath)) out.unlisted.push(path);
  return out;
}
