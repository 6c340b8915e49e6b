/**
 * Reads an npm tarball (a gzip-compressed tar, or a plain tar) from an
 * untrusted upload, with the same contract as the zip reader: every entry
 * listed with its size and sha256, the content of the entries the caller
 * keeps, and every problem on the way — never an exception for bad bytes.
 *
 *     const scan = await scanTar('demo-addon-1.2.3.tgz', {
 *       keep: (path, head) => path.endsWith('.node') || isElf(head),
 *       spoolDir: '/tmp/audit-123',
 *     });
 *     for (const e of scan.entries) if (e.content) withSource(contentSource(e.content), ...);
 *
 * Paths are kept as stored: npm's `package/` prefix included.
 *
 * How:
 *
 * 1. Container. gzip (RFC 1952; framing in gzip-format.ts) when the file
 *    starts with 1f 8b, else a plain tar. Each gzip member is inflated with
 *    zlib as a stream and its trailer checked (CRC-32, size). Several members
 *    are read as one stream, as gunzip and npm do, and reported (`npm pack`
 *    writes one; a reader that stops after the first sees less); bytes after
 *    the last member are trailing data. zstd, bzip2, xz and zip files are
 *    named and refused.
 * 2. Limits, on the inflated stream as it comes: the total (fatal), and the
 *    ratio of inflated bytes to the compressed bytes zlib has consumed once
 *    past `ratioFloor` (fatal too: the tarball is one compressed stream). So a
 *    gzip bomb stops after about `ratioFloor` bytes, whatever it declares.
 * 3. Layout. Every byte of the tar stream goes through TarWalker
 *    (tar-format.ts), which reads it with npm's own rules (node-tar's):
 *    where the archive ends, what each entry is called and how long it is,
 *    and every place where tar readers disagree (a lone zero block, a header
 *    npm skips, data after the end-of-archive blocks).
 * 4. Entries. The bytes the walker accepts go to tar-stream; each entry it
 *    yields must match the walker's record (offset, name, type, size), or the
 *    scan stops with `header-mismatch`: what is audited is what npm extracts.
 *    Content is hashed, and kept in memory or spooled (content.ts).
 *
 * What is skipped: an entry with a path-traversal or invalid name, a link
 * (symbolic: `symlink`; hard: `special-file` — npm install skips both, so the
 * file is missing after install), a device, FIFO or entry of another type, or
 * one larger than `maxEntrySize` is listed with its declared size and no
 * sha256; its data still streams past (tar has no index), unbuffered. An entry
 * cut short (a truncated or corrupt stream, a limit reached) has no sha256 and
 * its `size` is the part of it the stream held. `compressedSize` is the entry's size in the tar
 * stream (gzip compresses the stream, not entries); `mode` is the header's
 * permission bits with the file-type bits of its type flag.
 * I/O errors of the machine (the file vanishes, the spool disk is full) are
 * thrown: they are not properties of the archive.
 */
import { pipeline, Readable } from 'node:stream';
import { createInflateRaw, crc32 } from 'node:zlib';
import tarStream from 'tar-stream';
import { scanArchiveFile, type FileReader, type Problems } from './common.ts';
import { EntryCollector, Spool, releaseContent, type MemoryBudget } from './content.ts';
import { containerOf, GZIP_TRAILER_SIZE, isGzipMagic, MAX_GZIP_HEADER, parseGzipHeader, parseGzipTrailer } from './gzip-format.ts';
import { formatBytes, IN_MEMORY_BUDGET_FACTOR } from './limits.ts';
import { checkEntryName, lazyLabel, NameIndex, quoteName } from './names.ts';
import { TarWalker, typeName, type TarRecord } from './tar-format.ts';
import type { ArchiveEntry, ArchiveLimits, ArchiveProblemCode, ArchiveScan, KeptContent, ScanOptions } from './types.ts';

export { contentSource } from './content.ts';

const READ_CHUNK = 64 * 1024;
const INFLATE_CHUNK = 64 * 1024;

/** st_mode file-type bits for each tar type flag (hard links and contiguous files are regular files). */
const TYPE_BITS: Record<string, number> = {
  '0': 0o100000,
  '1': 0o100000,
  '7': 0o100000,
  '2': 0o120000,
  '3': 0o020000,
  '4': 0o060000,
  '5': 0o040000,
  '6': 0o010000,
};

/** tar-stream's entry types, as type flags. */
const TAR_STREAM_FLAGS: Record<string, string> = {
  file: '0',
  link: '1',
  symlink: '2',
  'character-device': '3',
  'block-device': '4',
  directory: '5',
  fifo: '6',
  'contiguous-file': '7',
};

// ---------------------------------------------------------------------------
// File access



// ---------------------------------------------------------------------------
// The tar stream: a plain file, or the inflated members of a gzip file

interface TarSource {
  compressed: boolean;
  chunks(): AsyncGenerator<Uint8Array>;
  /** Compressed bytes consumed so far (for the ratio limit). */
  readonly consumed: number;
}

class PlainSource implements TarSource {
  readonly compressed = false;
  consumed = 0;
  constructor(private readonly file: FileReader) {}
  async *chunks(): AsyncGenerator<Uint8Array> {
    for await (const b of this.file.range(0, Infinity, READ_CHUNK)) {
      this.consumed += b.length;
      yield b;
    }
  }
}

class GzipSource implements TarSource {
  readonly compressed = true;
  consumed = 0;
  members = 0;
  firstMemberSize = 0;
  /** Why the stream could not be read to its end, if it could not. */
  error: string | null = null;
  /** Members whose trailer disagrees with their data. */
  readonly corrupt: string[] = [];
  /** Bytes after the last member. */
  trailing: { at: number; size: number; zeros: boolean } | null = null;

  constructor(private readonly file: FileReader) {}

  async *chunks(): AsyncGenerator<Uint8Array> {
    for (let at = 0; ; ) {
      const head = await this.file.read(at, MAX_GZIP_HEADER);
      if (this.members > 0) {
        if (head.length === 0) return;
        if (!isGzipMagic(head)) {
          this.trailing = { at, size: this.file.size - at, zeros: await this.allZero(at) };
          return;
        }
      }
      const where = this.members === 0 ? 'the gzip header' : `the header of gzip member ${this.members + 1} (at offset ${at})`;
      const h = parseGzipHeader(head, at + head.length >= this.file.size);
      if ('error' in h) {
        this.error = h.truncated ? `the file ends inside ${where}: a truncated file` : `${where} is corrupt: ${h.error}`;
        return;
      }
      const dataAt = at + h.size;
      const raw = Readable.from(this.file.range(dataAt, Infinity, READ_CHUNK));
      const inflater = createInflateRaw({ chunkSize: INFLATE_CHUNK });
      pipeline(raw, inflater, () => {}); // errors surface through the iteration; an early stop closes both
      let crc = 0;
      let inflated = 0;
      try {
        for await (const chunk of inflater as AsyncIterable<Buffer>) {
          crc = crc32(chunk, crc);
          inflated += chunk.length;
          this.consumed = dataAt + inflater.bytesWritten;
          yield chunk;
        }
      } catch (err) {
        const m = (err as Error).message;
        this.error = /unexpected end of file/.test(m) ? `the gzip stream is truncated (zlib: ${m})` : `the gzip stream is corrupt at compressed offset ${this.consumed} (zlib: ${m})`;
        return;
      } finally {
        inflater.destroy();
        raw.destroy();
      }
      const end = dataAt + inflater.bytesWritten;
      const t = parseGzipTrailer(await this.file.read(end, GZIP_TRAILER_SIZE));
      if (!t) {
        this.error = 'the file ends inside the gzip trailer: a truncated file';
        return;
      }
      const faults: string[] = [];
      if (t.crc32 !== crc >>> 0) faults.push(`its CRC-32 is 0x${(crc >>> 0).toString(16).padStart(8, '0')} but its trailer says 0x${t.crc32.toString(16).padStart(8, '0')}`);
      if (t.isize !== inflated % 2 ** 32) faults.push(`it inflates to ${inflated} bytes but its trailer says ${t.isize} (mod 2^32)`);
      this.members++;
      if (faults.length > 0) this.corrupt.push(`gzip member ${this.members} is corrupt: ${faults.join('; ')}`);
      if (this.members === 1) this.firstMemberSize = inflated;
      at = end + GZIP_TRAILER_SIZE;
      this.consumed = at;
    }
  }

  private async allZero(at: number): Promise<boolean> {
    for await (const b of this.file.range(at, Infinity, READ_CHUNK)) if (b.some((x) => x !== 0)) return false;
    return true;
  }
}

// ---------------------------------------------------------------------------
// The scan

/** Problems in archive order: archive-wide ones first (order -1), then by entry index, then as found. */

/** One entry of the archive, as the walker found it and as far as it was read. */
interface Slot {
  rec: TarRecord;
  /** Why the content is not read; null while it may be. */
  skip: ArchiveProblemCode | 'directory' | null;
  /** Bytes of content actually read, when reading began. */
  readSize: number | null;
  sha256: string | null;
  content: KeptContent | null;
}

type TarEntryStream = tarStream.Extract extends AsyncIterable<infer S> ? S : never;

export function scanTar(path: string, options: ScanOptions): Promise<ArchiveScan> {
  return scanArchiveFile(path, 'tar', options, (r, limits, problems) => new TarScan(r, limits, options, problems).run());
}

class TarScan {
  private readonly slots: Slot[] = [];
  private readonly names = new NameIndex();
  private readonly spool: Spool;
  private readonly budget: MemoryBudget;
  private readonly extract = tarStream.extract({ allowUnknownFormat: true } as Parameters<typeof tarStream.extract>[0]);
  private walker!: TarWalker;
  /** Bytes of the tar stream read so far (inflated, for a gzip file). */
  private inflated = 0;
  /** The next slot tar-stream should yield. */
  private matched = 0;
  /** Set when the readers disagreed: the scan stops. */
  private halted = false;

  constructor(
    private readonly file: FileReader,
    private readonly limits: ArchiveLimits,
    private readonly options: ScanOptions,
    private readonly problems: Problems,
  ) {
    this.spool = new Spool(options.spoolDir);
    this.budget = { remaining: limits.maxInMemory * IN_MEMORY_BUDGET_FACTOR };
  }

  async run(): Promise<ArchiveEntry[]> {
    const head = await this.file.read(0, 8);
    if (head.length === 0) {
      this.problems.add('unreadable', null, 'not a tar archive: the file is empty', -1, true);
      return [];
    }
    const container = containerOf(head);
    if (container === 'zip') {
      this.problems.add('unreadable', null, 'not a tarball: the file is a zip archive', -1, true);
      return [];
    }
    if (container !== null && container !== 'gzip') {
      this.problems.add(
        'unsupported-compression',
        null,
        `the tarball is ${container}-compressed; only gzip (what npm pack writes and the registry serves) and plain tar are read`,
        -1,
        true,
      );
      return [];
    }
    const source: TarSource = container === 'gzip' ? new GzipSource(this.file) : new PlainSource(this.file);
    this.walker = new TarWalker({
      maxEntries: this.limits.maxEntries,
      compressed: source.compressed,
      onRecord: (rec) => this.onRecord(rec),
      report: (p) => this.problems.push({ code: p.code, path: p.path, message: p.message, fatal: p.fatal }, p.order),
    });
    await Promise.all([this.feed(source), this.readEntries()]);

    const firstIndex = new Map<string, number>();
    for (const s of this.slots) if (!firstIndex.has(s.rec.path)) firstIndex.set(s.rec.path, s.rec.index);
    for (const p of this.names.finish()) this.problems.push(p, firstIndex.get(p.path ?? '') ?? -1);
    return this.slots.map(({ rec, readSize, sha256, content }) => ({
      path: rec.path,
      isDirectory: rec.flag === '5',
      size: rec.available ?? readSize ?? rec.size,
      compressedSize: rec.size,
      mode: (TYPE_BITS[rec.flag] ?? 0) | rec.mode,
      sha256,
      content,
    }));
  }

  /** Names, types and sizes: whether an entry's content will be read. */
  private onRecord(rec: TarRecord): void {
    const slot: Slot = { rec, skip: null, readSize: null, sha256: null, content: null };
    this.slots.push(slot);
    const { index, path } = rec;
    const label = lazyLabel(path, index);
    const add = (code: ArchiveProblemCode, message: string) => {
      this.problems.add(code, path, message, index);
      slot.skip ??= code;
    };
    for (const issue of checkEntryName(path, index, { byteLength: rec.rawName.length, validEncoding: rec.validUtf8, maxPathLength: this.limits.maxPathLength })) {
      add(issue.code, issue.message);
    }
    if (slot.skip === null) {
      const dup = this.names.add(index, path, rec.flag === '5');
      if (dup) this.problems.push(dup, index);
    }
    switch (rec.flag) {
      case '0':
      case '7':
        if (rec.size > this.limits.maxEntrySize) {
          add('entry-too-large', `${label} holds ${formatBytes(rec.size)}, beyond the ${formatBytes(this.limits.maxEntrySize)} per-entry limit; it was not read`);
        }
        break;
      case '5':
        slot.skip ??= 'directory';
        break;
      case '2':
        add(
          'symlink',
          `${label} is a symbolic link to ${quoteName(rec.linkname)}; links are not regular files and can point outside the archive, and npm install skips them (the file is missing after install)`,
        );
        break;
      case '1':
        add(
          'special-file',
          `${label} is a hard link to ${quoteName(rec.linkname)}, not a regular file; npm install skips links (the file is missing after install), tar makes it a second name for that entry`,
        );
        break;
      default:
        add('special-file', `${label} is ${typeName(rec.flag)} (tar type ${JSON.stringify(rec.flag)}), not a regular file or directory; npm install skips it`);
    }
  }

  /** Reads the tar stream, applies the stream limits, walks it, and gives tar-stream the archive's bytes. */
  private async feed(source: TarSource): Promise<void> {
    let completed = false;
    try {
      for await (const chunk of source.chunks()) {
        if (this.halted) return;
        this.options.progress?.(source.consumed, this.file.size);
        this.inflated += chunk.length;
        if (this.overRatio(source)) return;
        // Up to the total limit, exactly: the entries that fit are read.
        const over = this.inflated - this.limits.maxTotalSize;
        if (!(await this.take(over > 0 ? chunk.subarray(0, chunk.length - over) : chunk))) return;
        if (over > 0) {
          this.stop('total-too-large', (at) => `the tar stream inflates beyond the ${formatBytes(this.limits.maxTotalSize)} total limit${at}`);
          return;
        }
      }
      completed = true;
    } finally {
      if (completed) this.finish(source);
      if (!this.extract.destroyed && !this.extract.destroying) this.extract.end(null);
    }
  }

  /** Walks the bytes and gives tar-stream those that belong to the archive; false when the scan stops. */
  private async take(chunk: Uint8Array): Promise<boolean> {
    if (chunk.length === 0) return true;
    const n = this.walker.push(chunk);
    if (n > 0 && !(await this.write(n === chunk.length ? chunk : chunk.subarray(0, n)))) return false;
    return !this.walker.stopped;
  }

  /** The ratio limit, for a gzip stream: inflated bytes against the compressed bytes zlib has consumed, once past the floor. */
  private overRatio(source: TarSource): boolean {
    const { maxRatio, ratioFloor } = this.limits;
    if (!source.compressed || this.inflated <= ratioFloor || this.inflated <= maxRatio * Math.max(source.consumed, 1)) return false;
    this.stop(
      'compression-ratio',
      (at) => `the tarball inflates more than ${maxRatio}× its compressed size (${formatBytes(this.inflated)} from ${formatBytes(source.consumed)} so far${at}): a gzip bomb`,
    );
    return true;
  }

  /** A limit stops the scan: reported at the entry being read, if any (`message` places ` at entry '…'`). */
  private stop(code: ArchiveProblemCode, message: (at: string) => string): void {
    const rec = this.walker.reading;
    const at = rec ? ` at ${lazyLabel(rec.path, rec.index)}` : '';
    this.problems.add(code, rec?.path ?? null, `${message(at)}; reading stopped`, rec?.index ?? this.walker.records.length, true);
    this.walker.interrupt(null);
  }

  /** The source was read to its end (or to the point where it fails): container problems, and the walk's own end. */
  private finish(source: TarSource): void {
    const order = this.walker.records.length;
    if (source instanceof GzipSource && source.error !== null) {
      const rec = this.walker.reading;
      this.walker.interrupt(rec ? 'the gzip stream fails' : null);
      this.problems.add('unreadable', rec?.path ?? null, source.error, rec?.index ?? order, true);
      return;
    }
    this.walker.end();
    if (!(source instanceof GzipSource)) return;
    for (const c of source.corrupt) {
      this.problems.add('corrupt-entry', null, `${c}: the tarball is corrupt (gunzip and npm refuse it) and no entry read from it can be trusted`, order);
    }
    if (source.members > 1) {
      this.problems.add(
        'trailing-data',
        null,
        `the gzip file holds ${source.members} concatenated members (npm pack writes one): gunzip and npm read them as one stream, ` +
          `but a reader that stops after the first member sees only its ${formatBytes(source.firstMemberSize)}`,
        order,
      );
    }
    if (source.trailing) {
      const { at, size, zeros } = source.trailing;
      const effect = zeros ? 'zeros, which gunzip and npm ignore' : "not a gzip member; npm's gunzip fails on them (zlib: incorrect header check)";
      this.problems.add('trailing-data', null, `${formatBytes(size)} of trailing data after the gzip stream (from offset ${at}): ${effect}`, order);
    }
  }

  /** Writes to tar-stream, waiting while it is full. False when it was destroyed (the scan stops). */
  private write(chunk: Uint8Array): boolean | Promise<boolean> {
    const ex = this.extract;
    if (ex.destroyed || ex.destroying) return false;
    if (ex.write(chunk)) return true;
    return new Promise((resolve) => {
      const done = () => {
        ex.off('drain', done);
        ex.off('close', done);
        resolve(!ex.destroyed && !ex.destroying);
      };
      ex.on('drain', done);
      ex.on('close', done);
    });
  }

  /** Takes tar-stream's entries in order, checks each against the walker's record, and reads the content of those to read. */
  private async readEntries(): Promise<void> {
    try {
      for await (const stream of this.extract) {
        await this.readEntry(stream);
        if (this.halted) break;
      }
    } catch (err) {
      // After a fatal problem tar-stream sees the stream end early: expected. Otherwise it failed where npm's reader did not.
      if (!this.problems.fatal && !this.halted) {
        const last = this.slots[this.matched - 1];
        const where = last ? `after ${lazyLabel(last.rec.path, last.rec.index)}` : 'before any entry';
        this.halt(`tar-stream fails on the stream ${where} (${(err as Error).message}) where npm's reader reads on`);
      }
    }
  }

  private async readEntry(stream: TarEntryStream): Promise<void> {
    const slot = this.slots[this.matched];
    if (!slot) {
      this.halt(`tar-stream finds an entry header at offset ${stream.offset} (${quoteName(stream.header.name)}) where npm's reader finds none`);
      return;
    }
    const why = disagreement(slot.rec, stream);
    if (why !== null) {
      this.halt(why);
      return;
    }
    this.matched++;
    const { rec } = slot;
    if (slot.skip !== null) {
      // tar-stream gives a directory no data, and never ends its stream when it declares a size: nothing to wait for.
      if (rec.flag !== '5') await drain(stream);
      return;
    }
    const collector = new EntryCollector({
      index: rec.index,
      path: rec.path,
      keep: this.options.keep,
      maxInMemory: this.limits.maxInMemory,
      spool: this.spool,
      budget: this.budget,
    });
    let n = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Uint8Array>) {
        collector.write(chunk);
        n += chunk.length;
      }
    } catch {
      // The stream ended inside this entry; the walker or the source says why.
    }
    slot.readSize = n;
    if (n !== rec.size) {
      collector.discard();
      return;
    }
    const done = collector.finish();
    slot.sha256 = done.sha256;
    slot.content = done.content;
    if (done.content && this.options.consume?.(rec.path, done.content, done.sha256)) {
      releaseContent(done.content, this.budget);
      slot.content = null;
    }
  }

  private halt(why: string): void {
    this.problems.add('header-mismatch', null, `tar readers disagree: ${why}; reading stopped`, this.matched, true);
    this.halted = true;
    this.extract.destroy();
  }
}

/** Why tar-stream's entry is not the walker's record (npm's view), or null when they agree. */
function disagreement(rec: TarRecord, stream: TarEntryStream): string | null {
  const h = stream.header;
  const label = lazyLabel(rec.path, rec.index);
  if (stream.offset !== rec.headerAt) {
    return `npm's reader finds the header of ${label} at offset ${rec.headerAt}, tar-stream finds ${quoteName(h.name)} at offset ${stream.offset}`;
  }
  const name = Buffer.from(rec.rawName).toString('utf8');
  if (h.name !== name) return `npm's reader names the entry at offset ${rec.headerAt} ${quoteName(name)}, tar-stream ${quoteName(h.name)}`;
  let flag = TAR_STREAM_FLAGS[(h.type as string | null) ?? ''] ?? 'unknown';
  // tar-stream decides the type before its own "old tars mark directories with a trailing /" rule, so it calls them files (of size 0, checked below).
  if (flag === '0' && rec.flag === '5' && h.name.endsWith('/')) flag = '5';
  const ours = TYPE_BITS[rec.flag] !== undefined ? rec.flag : 'unknown';
  if (flag !== ours) {
    return `npm's reader takes ${label} for ${typeName(rec.flag)}, tar-stream for ${flag === 'unknown' ? 'an entry of unknown type' : typeName(flag)}`;
  }
  const size = h.type === 'directory' ? 0 : h.size;
  if (flag === '5' && h.type !== 'directory' && size !== 0) return `npm's reader takes ${label} for a directory (its name ends in '/'), tar-stream for a file of ${size} bytes`;
  if (size !== rec.size) return `npm's reader gives ${label} ${rec.size} bytes of data, tar-stream ${size}`;
  return null;
}

/** Lets an entry's data stream past without keeping it. */
async function drain(stream: TarEntryStream): Promise<void> {
  try {
    for await (const _ of stream as AsyncIterable<Uint8Array>) {
      // discarded
    }
  } catch {
    // the stream ended early; reported elsewhere
  }
}
