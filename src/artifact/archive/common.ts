/**
 * Pieces the archive readers (zip, tar) share: positional file reads with a
 * small cache, hashing a whole file, and the ordered list of problems.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { ArchiveEntry, ArchiveLimits, ArchiveProblem, ArchiveProblemCode, ArchiveScan, ScanOptions } from './types.ts';
import { resolveLimits } from './limits.ts';

/** Chunk size of streamed reads. */
export const READ_CHUNK = 256 * 1024;
/** Small reads are served from one cached window of this size. */
const CACHE_WINDOW = 256 * 1024;

export /** Positional reads through a small read-ahead window (central directory and local headers are read in small pieces). */
class FileReader {
  private cache: Buffer | null = null;
  private cacheAt = 0;
  constructor(
    readonly fh: FileHandle,
    readonly size: number,
  ) {}

  /** Up to `length` bytes at `position` (fewer only at the end of the file). */
  async read(position: number, length: number): Promise<Buffer> {
    const n = Math.max(0, Math.min(length, this.size - position));
    if (n === 0) return Buffer.alloc(0);
    const c = this.cache;
    if (c && position >= this.cacheAt && position + n <= this.cacheAt + c.length) {
      return c.subarray(position - this.cacheAt, position - this.cacheAt + n);
    }
    if (n > CACHE_WINDOW / 2) return this.direct(position, n);
    this.cache = await this.direct(position, Math.min(CACHE_WINDOW, this.size - position));
    this.cacheAt = position;
    return this.cache.subarray(0, n);
  }

  /**
   * The bytes `[position, position + length)` as chunks, read on demand.
   * (Streams of a FileHandle, or of an fd, close the descriptor when destroyed early; this never does.)
   */
  async *range(position: number, length: number, chunk = READ_CHUNK): AsyncGenerator<Buffer> {
    const end = Math.min(position + length, this.size);
    for (let at = position; at < end; ) {
      const b = await this.direct(at, Math.min(chunk, end - at));
      if (b.length === 0) return;
      at += b.length;
      yield b;
    }
  }

  async direct(position: number, length: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.fh.read(buf, done, length - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === length ? buf : buf.subarray(0, done);
  }
}

export function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    const s = createReadStream(path, { highWaterMark: 1024 * 1024 });
    s.on('data', (c) => h.update(c));
    s.on('error', reject);
    s.on('end', () => resolve(h.digest('hex')));
  });
}

/** Problems in the order of the entries they concern (then of discovery); a fatal one ends the reading. */
export class Problems {
  private readonly list: { p: ArchiveProblem; order: number; seq: number }[] = [];
  fatal = false;
  add(code: ArchiveProblemCode, path: string | null, message: string, order = -1, fatal = false): void {
    this.push({ code, path, message, fatal }, order);
  }
  push(p: ArchiveProblem, order: number): void {
    this.list.push({ p, order, seq: this.list.length });
    if (p.fatal) this.fatal = true;
  }
  sorted(): ArchiveProblem[] {
    return this.list.sort((a, b) => a.order - b.order || a.seq - b.seq).map((x) => x.p);
  }
}

/**
 * What every archive reader does around its own walk: open the file, hash it
 * whole (concurrently), collect the problems in order, and always close it.
 */
export async function scanArchiveFile(
  path: string,
  format: ArchiveScan['format'],
  options: ScanOptions,
  walk: (r: FileReader, limits: ArchiveLimits, problems: Problems) => Promise<ArchiveEntry[]>,
): Promise<ArchiveScan> {
  const limits = resolveLimits(options.limits);
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const sha = hashFile(path);
    sha.catch(() => {}); // awaited below; never an unhandled rejection meanwhile
    const problems = new Problems();
    const entries = await walk(new FileReader(fh, size), limits, problems);
    return { format, size, sha256: await sha, entries, problems: problems.sorted() };
  } finally {
    await fh.close();
  }
}
