/**
 * Reads a zip archive (a wheel, a JAR) from an untrusted upload: every entry
 * listed with its size and sha256, the content of the entries the caller
 * keeps, and every problem on the way — never an exception for bad bytes.
 *
 *     const scan = await scanZip('demo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl', {
 *       keep: (path, head) => path.endsWith('.so') || isElf(head),
 *       spoolDir: '/tmp/audit-123',
 *     });
 *     for (const e of scan.entries) if (e.content) withSource(contentSource(e.content), ...);
 *
 * How (APPNOTE.TXT 6.3.10; structures in zip-format.ts):
 *
 * 1. Layout. The end-of-central-directory record (and zip64 records) is
 *    located the way yauzl does; when bytes follow it (yauzl refuses such
 *    files) the last plausible record is used and `trailing-data` reported.
 *    Bytes prepended without adjusting the offsets (`cat stub a.zip`) are
 *    detected as Python's zipfile does, and read past.
 * 2. Central directory, through yauzl (`lazyEntries`, `decodeStrings: false`,
 *    `validateEntrySizes: false`) over a view of the file that ends at the
 *    end record, so one bad entry never aborts the rest. Names are decoded
 *    and validated here (names.ts): one problem per bad entry.
 * 3. Local headers, read for every entry and compared with the central
 *    directory (name, flags, method, CRC, sizes, data descriptor): what a
 *    streaming extractor would see must be what we audit. Their extents give
 *    `leading-data`, `hidden-data` and overlapping entries (the overlap zip
 *    bomb, whose entries share one compressed kernel: only one is inflated).
 * 4. Content, one entry at a time, from the file: inflated with zlib as a
 *    stream, counted against the size limits and against the compression
 *    ratio of the bytes zlib actually consumed (so a bomb stops after
 *    `ratioFloor` bytes, whatever the headers declare), CRC-32 and sha256
 *    computed on the way, kept content in memory or spooled.
 *
 * What is skipped: an entry with a path-traversal or invalid name, a symlink
 * or special file, an encrypted entry, an unsupported method, or one declared
 * too large is listed with its declared size and no sha256. An entry that
 * fails while being read (corrupt, over a limit) has no sha256 either, and its
 * `size` is what was inflated before stopping. Duplicates are read like any
 * entry (installers keep the last copy, so both are worth auditing).
 * I/O errors of the machine (the file vanishes, the spool disk is full) are
 * thrown: they are not properties of the archive.
 */
import { pipeline, Readable } from 'node:stream';
import { createInflateRaw, crc32, inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import { EntryCollector, Spool, releaseContent, type MemoryBudget } from './content.ts';
import { scanArchiveFile, type FileReader, type Problems } from './common.ts';
import { formatBytes, IN_MEMORY_BUDGET_FACTOR } from './limits.ts';
import { checkEntryName, decodeName, entryLabel, lazyLabel, NameIndex, quoteName } from './names.ts';
import type { ArchiveEntry, ArchiveLimits, ArchiveProblemCode, ArchiveScan, ScanOptions } from './types.ts';
import {
  EOCD_SIZE,
  eocdCandidates,
  FLAG_COMPARED,
  FLAG_DATA_DESCRIPTOR,
  FLAG_ENCRYPTED,
  FLAG_UTF8,
  fileTypeName,
  findEocd,
  LOCAL_HEADER_SIZE,
  localSizes,
  MAX_COMMENT,
  METHOD_DEFLATED,
  METHOD_STORED,
  methodName,
  parseDataDescriptor,
  parseExtraFields,
  parseLocalHeader,
  parseZip64Eocd,
  parseZip64Locator,
  readU32,
  SIG_CENTRAL,
  SIG_LOCAL,
  unicodePathName,
  ZIP64_EOCD_MIN_SIZE,
  ZIP64_LOCATOR_SIZE,
  type Eocd,
} from './zip-format.ts';

export { contentSource } from './content.ts';

/** Entries whose compressed data is at most this are read with one read and inflated in one call. */
const SMALL_COMPRESSED = 64 * 1024;
/** ... as long as they inflate to at most this (else they are streamed like any other). */
const SMALL_INFLATED = 1024 * 1024;
const INFLATE_CHUNK = 64 * 1024;
/** Backward search for an end record followed by trailing data. */
const SCAN_CHUNK = 1024 * 1024;
const MAX_EOCD_CANDIDATES = 64;

// ---------------------------------------------------------------------------
// File access


/** The window `[base, base + size)` of the file, as yauzl's random-access reader. */
class ViewReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly file: FileReader,
    private readonly base: number,
    private readonly viewSize: number,
  ) {
    super();
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null) => void): void {
    const done = callback as (err: Error | null, bytesRead?: number) => void;
    const n = Math.max(0, Math.min(length, this.viewSize - position));
    this.file.read(this.base + position, n).then(
      (b) => {
        b.copy(buffer, offset);
        done(null, b.length);
      },
      (err: Error) => done(err),
    );
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return Readable.from(this.file.range(this.base + start, end - start));
  }

  override close(callback: (err: Error | null) => void): void {
    setImmediate(() => callback(null));
  }
}


// ---------------------------------------------------------------------------
// Layout: where the end records, the central directory and the entries are

interface Layout {
  /** Bytes at the start of the file that the archive's offsets do not count (prepended without adjusting them). */
  base: number;
  /** File offset where the archive ends: the end of the end record's comment. */
  end: number;
  eocd: Eocd;
  zip64: { locatorAt: number; recordAt: number; recordSize: number } | null;
  entries: number;
  /** File offset and size of the central directory. */
  cdAt: number;
  cdSize: number;
  /** File offset of the structure that follows the central directory (zip64 record or end record). */
  cdLimit: number;
}

const MULTI_DISK = 'the archive is split across several disks (a multi-part zip), which is not supported';

async function resolveLayout(r: FileReader, eocd: Eocd, end: number): Promise<Layout | string> {
  const locAt = eocd.offset - ZIP64_LOCATOR_SIZE;
  const loc = locAt >= 0 ? parseZip64Locator(await r.read(locAt, ZIP64_LOCATOR_SIZE), 0, locAt) : null;
  if (loc) {
    if (loc.disks > 1 || loc.recordDisk !== 0) return MULTI_DISK;
    const shift = locAt - ZIP64_EOCD_MIN_SIZE - loc.recordOffset;
    for (const s of shift > 0 ? [0, shift] : [0]) {
      const at = s + loc.recordOffset;
      if (!(at >= 0 && at + ZIP64_EOCD_MIN_SIZE <= locAt)) continue;
      const rec = parseZip64Eocd(await r.read(at, ZIP64_EOCD_MIN_SIZE));
      if (!rec) continue;
      if (rec.disk !== 0 || rec.cdDisk !== 0) return MULTI_DISK;
      const cdAt = s + rec.cdOffset;
      if (!(cdAt + rec.cdSize <= at)) continue;
      if (rec.entries > 0 && readU32(await r.read(cdAt, 4), 0) !== SIG_CENTRAL) continue;
      return {
        base: s,
        end,
        eocd,
        zip64: { locatorAt: locAt, recordAt: at, recordSize: rec.size },
        entries: rec.entries,
        cdAt,
        cdSize: rec.cdSize,
        cdLimit: at,
      };
    }
    return 'the zip64 end-of-central-directory record is not where its locator points (a truncated or corrupt archive)';
  }
  if (eocd.disk !== 0 || eocd.cdDisk !== 0) return MULTI_DISK;
  const shift = eocd.offset - (eocd.cdOffset + eocd.cdSize);
  for (const s of shift > 0 ? [0, shift] : [0]) {
    const cdAt = s + eocd.cdOffset;
    if (cdAt + eocd.cdSize > eocd.offset) continue;
    if (eocd.entries > 0) {
      const sig = await r.read(cdAt, 4);
      if (sig.length < 4 || readU32(sig, 0) !== SIG_CENTRAL) continue;
    }
    return { base: s, end, eocd, zip64: null, entries: eocd.entries, cdAt, cdSize: eocd.cdSize, cdLimit: eocd.offset };
  }
  return `the central directory is not where the end record places it (offset ${eocd.cdOffset}): a truncated or corrupt archive`;
}

async function locate(r: FileReader): Promise<Layout | string> {
  const size = r.size;
  if (size < EOCD_SIZE) return `not a zip archive: the file is only ${formatBytes(size)} long`;
  const tailLen = Math.min(size, EOCD_SIZE + MAX_COMMENT + ZIP64_LOCATOR_SIZE);
  const tail = await r.direct(size - tailLen, tailLen);
  const exact = findEocd(tail, size - tailLen, size);
  if (exact) return resolveLayout(r, exact, size);

  // No end record ends the file: look for the last one that does describe an archive (trailing data follows it).
  let tried = 0;
  let firstError: string | null = null;
  for (let chunkEnd = size; chunkEnd > 0 && tried < MAX_EOCD_CANDIDATES; ) {
    const start = Math.max(0, chunkEnd - SCAN_CHUNK);
    const buf = await r.direct(start, Math.min(size, chunkEnd + EOCD_SIZE - 1) - start);
    for (const cand of eocdCandidates(buf, start, size)) {
      if (cand.offset >= chunkEnd) continue;
      const end = cand.offset + EOCD_SIZE + cand.commentLength;
      const tLen = Math.min(end, EOCD_SIZE + MAX_COMMENT);
      const eocd = findEocd(await r.direct(end - tLen, tLen), end - tLen, end) ?? cand;
      const layout = await resolveLayout(r, eocd, end);
      if (typeof layout !== 'string') return layout;
      firstError ??= layout;
      if (++tried >= MAX_EOCD_CANDIDATES) break;
    }
    chunkEnd = start;
  }
  return firstError ?? 'not a zip archive: no end-of-central-directory record found';
}

// ---------------------------------------------------------------------------
// The scan

/** What the scan keeps of a yauzl central-directory entry (not the entry itself: its extra fields and buffers add up over 100k entries). */
interface Central {
  generalPurposeBitFlag: number;
  compressionMethod: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  relativeOffsetOfLocalHeader: number;
  fileNameRaw: Buffer;
}

interface Rec {
  index: number;
  e: Central;
  name: string;
  isDirectory: boolean;
  mode: number | null;
  /** Why the content is not read; null while it may be. */
  skip: ArchiveProblemCode | 'directory' | null;
  /** A symlink, reported with its target once the local headers are read. */
  symlink: boolean;
  /** File offsets: the local header, the data, and the end of the entry (data descriptor included). */
  lhAt: number;
  dataAt: number;
  extentEnd: number;
  /** Whether the local header was read and the offsets above are known. */
  hasExtent: boolean;
  /** Bytes actually inflated, when the content was read (even partly). */
  readSize: number | null;
  sha256: string | null;
  content: ArchiveEntry['content'];
}

/** Problems in archive order: archive-wide ones first (order -1), then by entry index, then as found. */

function unixMode(e: yauzl.Entry): number | null {
  const host = e.versionMadeBy >>> 8;
  const mode = e.externalFileAttributes >>> 16;
  return (host === 3 || host === 19) && mode !== 0 ? mode : null;
}

function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

function readableYauzlError(err: Error, entryNo: number): { code: ArchiveProblemCode; message: string } {
  const m = err.message;
  if (/strong encryption/.test(m)) {
    return { code: 'encrypted-entry', message: `central-directory entry #${entryNo} uses strong encryption (general-purpose bit 6); the archive cannot be read` };
  }
  if (/central directory file header signature/.test(m)) {
    return { code: 'unreadable', message: `the central directory is corrupt: entry #${entryNo} does not start with a central-directory header` };
  }
  if (/unexpected EOF/.test(m)) return { code: 'unreadable', message: `the central directory is cut short at entry #${entryNo} (a truncated archive)` };
  if (/extra field|zip64/.test(m)) return { code: 'unreadable', message: `central-directory entry #${entryNo} is malformed: ${m}` };
  if (/multi-disk/.test(m)) return { code: 'unreadable', message: MULTI_DISK };
  return { code: 'unreadable', message: `the archive cannot be read: ${m}` };
}

export function scanZip(path: string, options: ScanOptions): Promise<ArchiveScan> {
  return scanArchiveFile(path, 'zip', options, (r, limits, problems) => scanBody(r, limits, options, problems));
}

async function scanBody(r: FileReader, limits: ArchiveLimits, options: ScanOptions, problems: Problems): Promise<ArchiveEntry[]> {
  const layout = await locate(r);
  if (typeof layout === 'string') {
    problems.add('unreadable', null, layout, -1, true);
    return [];
  }
  if (layout.end < r.size) {
    const n = r.size - layout.end;
    problems.add('trailing-data', null, `${formatBytes(n)} of trailing data after the end-of-central-directory record (an appended file or archive)`);
  }
  if (layout.entries > limits.maxEntries) {
    problems.add('too-many-entries', null, `the archive has ${layout.entries} entries, beyond the limit of ${limits.maxEntries}; nothing was read`, -1, true);
    return [];
  }

  const recs: Rec[] = [];
  const fatal = await readCentralDirectory(r, layout, recs, limits, problems);
  if (!fatal) {
    await readLocalHeaders(r, layout, recs, problems);
    checkLayout(layout, recs, problems);
    await reportSymlinks(r, recs, problems);
    await readContents(r, recs, limits, options, problems);
  } else {
    await reportSymlinks(r, recs, problems);
  }
  return recs.map((x) => ({
    path: x.name,
    isDirectory: x.isDirectory,
    size: x.readSize ?? x.e.uncompressedSize,
    compressedSize: x.e.compressedSize,
    mode: x.mode,
    sha256: x.sha256,
    content: x.content,
  }));
}

/** Reads the central directory through yauzl; checks names and per-entry flags. Returns true on a fatal problem. */
async function readCentralDirectory(r: FileReader, layout: Layout, recs: Rec[], limits: ArchiveLimits, problems: Problems): Promise<boolean> {
  const reader = new ViewReader(r, layout.base, layout.end - layout.base);
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromRandomAccessReader(
        reader,
        layout.end - layout.base,
        { lazyEntries: true, decodeStrings: false, validateEntrySizes: false, autoClose: false, strictFileNames: true },
        (err, z) => (err ? reject(err) : resolve(z)),
      ),
    );
  } catch (err) {
    const { code, message } = readableYauzlError(err as Error, 0);
    problems.add(code, null, message, -1, true);
    return true;
  }
  if (zip.entryCount !== layout.entries) {
    zip.close();
    problems.add('unreadable', null, `the end records disagree on the number of entries (${layout.entries} and ${zip.entryCount})`, -1, true);
    return true;
  }
  const cdEnd = layout.cdAt - layout.base + layout.cdSize; // in view offsets, like yauzl's cursor
  const names = new NameIndex();
  let fatal: { code: ArchiveProblemCode; message: string } | null = null;
  await new Promise<void>((resolve) => {
    zip.on('error', (err: Error) => {
      fatal = cursorOf(zip) >= cdEnd ? countMismatch(layout.entries, recs.length) : readableYauzlError(err, recs.length + 1);
      resolve();
    });
    zip.on('end', () => resolve());
    zip.on('entry', (e: yauzl.Entry) => {
      if (cursorOf(zip) > cdEnd) {
        fatal = countMismatch(layout.entries, recs.length);
        resolve();
        return;
      }
      recs.push(centralRecord(e, recs.length, limits, names, problems));
      zip.readEntry();
    });
    zip.readEntry();
  });
  const cursor = cursorOf(zip);
  zip.close();
  if (fatal) {
    const f = fatal as { code: ArchiveProblemCode; message: string };
    problems.add(f.code, null, f.message, -1, true);
    for (const x of recs) x.skip ??= 'unreadable';
    return true;
  }
  if (cursor < cdEnd) {
    const sig = await r.read(layout.base + cursor, 4);
    const another = sig.length === 4 && readU32(sig, 0) === SIG_CENTRAL;
    problems.add(
      'hidden-data',
      null,
      `${formatBytes(cdEnd - cursor)} of hidden data in the central directory after the ${recs.length} ${recs.length === 1 ? 'entry' : 'entries'} the end record counts${
        another ? '; they begin with another entry header, so readers that go by the directory size (Python zipfile) see more entries than the count' : ''
      }`,
    );
  }
  const firstIndex = new Map<string, number>();
  for (const x of recs) if (!firstIndex.has(x.name)) firstIndex.set(x.name, x.index);
  for (const p of names.finish()) problems.push(p, firstIndex.get(p.path ?? '') ?? -1);
  return false;
}

/** yauzl's position in the central directory (typed as a boolean by @types/yauzl). */
function cursorOf(zip: yauzl.ZipFile): number {
  return (zip as unknown as { readEntryCursor: number }).readEntryCursor;
}

function countMismatch(declared: number, found: number): { code: ArchiveProblemCode; message: string } {
  return {
    code: 'unreadable',
    message: `the end-of-central-directory record counts ${declared} entries but the central directory holds only ${found}`,
  };
}

function centralRecord(entry: yauzl.Entry, index: number, limits: ArchiveLimits, names: NameIndex, problems: Problems): Rec {
  const e: Central = {
    generalPurposeBitFlag: entry.generalPurposeBitFlag,
    compressionMethod: entry.compressionMethod,
    crc32: entry.crc32,
    compressedSize: entry.compressedSize,
    uncompressedSize: entry.uncompressedSize,
    relativeOffsetOfLocalHeader: entry.relativeOffsetOfLocalHeader,
    fileNameRaw: entry.fileNameRaw as unknown as Buffer,
  };
  const raw = e.fileNameRaw;
  const isUtf8 = (e.generalPurposeBitFlag & FLAG_UTF8) !== 0;
  const { name, valid } = decodeName(raw, isUtf8 ? 'utf8' : 'cp437');
  const rec: Rec = {
    index,
    e,
    name,
    isDirectory: name.endsWith('/'),
    mode: unixMode(entry),
    skip: null,
    symlink: false,
    lhAt: 0,
    dataAt: 0,
    extentEnd: 0,
    hasExtent: false,
    readSize: null,
    sha256: null,
    content: null,
  };
  const label = lazyLabel(name, index);
  const add = (code: ArchiveProblemCode, message: string, skip = true) => {
    problems.add(code, name, message, index);
    if (skip) rec.skip ??= code;
  };

  for (const issue of checkEntryName(name, index, { byteLength: raw.length, validEncoding: valid, maxPathLength: limits.maxPathLength })) {
    add(issue.code, issue.message);
  }
  if (rec.skip === null) {
    const dup = names.add(index, name, rec.isDirectory);
    if (dup) problems.push(dup, index);
  }
  const unicode = unicodePathName(entry.extraFields, raw, (b) => crc32(b));
  if (unicode) {
    const other = decodeName(unicode, 'utf8').name;
    if (other !== name) {
      add('header-mismatch', `${label} carries an Info-ZIP Unicode Path field naming it ${quoteName(other)}; tools that honour the field extract a different path`, false);
    }
  }
  if (rec.mode !== null) {
    const type = rec.mode & 0o170000;
    if (type === 0o120000) {
      // Reported once the local headers are read, with the link's target when it is short.
      rec.symlink = true;
      rec.skip ??= 'symlink';
    } else if (type !== 0 && type !== 0o100000 && type !== 0o040000 && !rec.isDirectory) {
      // A name ending in '/' is a directory to unzip, Python's zipfile and `jar`
      // whatever its mode says (some JAR tools write 0o177777 there).
      add('special-file', `${label} is ${fileTypeName(rec.mode)} (mode 0o${rec.mode.toString(8)}), not a regular file or directory`);
    }
  }
  if ((e.generalPurposeBitFlag & FLAG_ENCRYPTED) !== 0) {
    add('encrypted-entry', `${label} is encrypted (general-purpose bit 0); its content cannot be read or audited`);
  } else if (e.compressionMethod !== METHOD_STORED && e.compressionMethod !== METHOD_DEFLATED) {
    add('unsupported-compression', `${label} uses compression method ${methodName(e.compressionMethod)}; only stored (0) and deflate (8) are read, and PyPI and Java accept no other`);
  }
  if (rec.isDirectory) {
    const carries = e.uncompressedSize > 0 || e.compressedSize > (e.compressionMethod === METHOD_DEFLATED ? 2 : 0);
    if (carries) add('hidden-data', `directory ${label} carries ${formatBytes(Math.max(e.uncompressedSize, e.compressedSize))} of hidden data`, false);
    rec.skip ??= 'directory';
  } else if (e.uncompressedSize > limits.maxEntrySize) {
    add('entry-too-large', `${label} declares ${formatBytes(e.uncompressedSize)} inflated, beyond the ${formatBytes(limits.maxEntrySize)} per-entry limit`);
  }
  return rec;
}

/** Reads every entry's local header (and data descriptor) and compares it with the central directory. */
async function readLocalHeaders(r: FileReader, layout: Layout, recs: Rec[], problems: Problems): Promise<void> {
  for (const rec of recs) {
    const { e, index, name } = rec;
    const label = lazyLabel(name, index);
    const corrupt = (why: string) => {
      problems.add('corrupt-entry', name, `${label} is corrupt: ${why}`, index);
      rec.skip ??= 'corrupt-entry';
    };
    const at = layout.base + e.relativeOffsetOfLocalHeader;
    rec.lhAt = at;
    if (at + LOCAL_HEADER_SIZE > layout.cdAt) {
      corrupt(`its local header offset (${e.relativeOffsetOfLocalHeader}) lies outside the area before the central directory`);
      continue;
    }
    const h = parseLocalHeader(await r.read(at, LOCAL_HEADER_SIZE));
    if (typeof h === 'string') {
      corrupt(`${h} at offset ${at}`);
      continue;
    }
    const varAt = at + LOCAL_HEADER_SIZE;
    const dataAt = varAt + h.nameLength + h.extraLength;
    const dataEnd = dataAt + e.compressedSize;
    if (dataEnd > layout.cdAt) {
      corrupt(`its data (${formatBytes(e.compressedSize)} from offset ${dataAt}) runs into the central directory`);
      continue;
    }
    const vars = await r.read(varAt, h.nameLength + h.extraLength);
    const localName = vars.subarray(0, h.nameLength);
    const extras = parseExtraFields(vars.subarray(h.nameLength));
    if (typeof extras === 'string') {
      corrupt(`its local header has a malformed extra field (${extras})`);
      continue;
    }
    const sizes = localSizes(h, extras);
    if (typeof sizes === 'string') {
      corrupt(sizes);
      continue;
    }
    rec.dataAt = dataAt;
    rec.extentEnd = dataEnd;
    rec.hasExtent = true;

    const diffs: string[] = [];
    if (!localName.equals(e.fileNameRaw)) {
      const localUtf8 = (h.flags & FLAG_UTF8) !== 0;
      diffs.push(`name ${quoteName(decodeName(localName, localUtf8 ? 'utf8' : 'cp437').name)}`);
    }
    if ((h.flags & FLAG_COMPARED) !== (e.generalPurposeBitFlag & FLAG_COMPARED)) {
      diffs.push(`flags 0x${h.flags.toString(16).padStart(4, '0')} (central 0x${e.generalPurposeBitFlag.toString(16).padStart(4, '0')})`);
    }
    if (h.method !== e.compressionMethod) diffs.push(`compression method ${methodName(h.method)} (central ${methodName(e.compressionMethod)})`);
    const streamed = (h.flags & FLAG_DATA_DESCRIPTOR) !== 0;
    // With a data descriptor the local values may be zero; a value that is present must agree.
    if ((!streamed || h.crc32 !== 0) && h.crc32 !== e.crc32) diffs.push(`CRC-32 ${hex32(h.crc32)} (central ${hex32(e.crc32)})`);
    if ((!streamed || sizes.compressedSize !== 0) && sizes.compressedSize !== e.compressedSize) {
      diffs.push(`compressed size ${sizes.compressedSize} (central ${e.compressedSize})`);
    }
    if ((!streamed || sizes.uncompressedSize !== 0) && sizes.uncompressedSize !== e.uncompressedSize) {
      diffs.push(`size ${sizes.uncompressedSize} (central ${e.uncompressedSize})`);
    }
    if (streamed) {
      // Streaming extractors find the next entry after the descriptor the local flags announce.
      const after = await r.read(dataEnd, Math.min(24, layout.cdAt - dataEnd));
      const next = after.length >= 4 ? readU32(after, 0) : 0;
      const dd = next === SIG_LOCAL || next === SIG_CENTRAL ? null : parseDataDescriptor(after, sizes.zip64);
      if (!dd) {
        diffs.push('no data descriptor where its flags announce one');
      } else {
        rec.extentEnd = dataEnd + dd.length;
        const dDiffs: string[] = [];
        if (dd.crc32 !== e.crc32) dDiffs.push(`CRC-32 ${hex32(dd.crc32)} (central ${hex32(e.crc32)})`);
        if (dd.compressedSize !== e.compressedSize) dDiffs.push(`compressed size ${dd.compressedSize} (central ${e.compressedSize})`);
        if (dd.uncompressedSize !== e.uncompressedSize) dDiffs.push(`size ${dd.uncompressedSize} (central ${e.uncompressedSize})`);
        if (dDiffs.length > 0) diffs.push(`a data descriptor with ${dDiffs.join(', ')}`);
      }
    }
    if (diffs.length > 0) {
      problems.add(
        'header-mismatch',
        name,
        `the local header of ${label} disagrees with the central directory: ${diffs.join('; ')}; extractors that read local headers see a different file`,
        index,
      );
    }
  }
}

/** Leading data, hidden data between structures, and overlapping entries (which are then not read). */
function checkLayout(layout: Layout, recs: Rec[], problems: Problems): void {
  const placed = recs.filter((x) => x.hasExtent).sort((a, b) => a.lhAt - b.lhAt || a.index - b.index);
  const first = placed[0]?.lhAt ?? layout.cdAt;
  if (first > 0) {
    const unadjusted = layout.base > 0 ? `; the archive's offsets do not count ${formatBytes(layout.base)} of it (a file prepended with cat)` : '';
    problems.add('leading-data', null, `${formatBytes(first)} of leading data before the first entry (a stub, script or another file)${unadjusted}`);
  }
  let prev: Rec | null = null;
  for (const cur of placed) {
    if (prev && cur.lhAt === prev.lhAt) {
      problems.add(
        'overlapping-entries',
        cur.name,
        `${entryLabel(cur.name, cur.index)} shares its local header and data with ${entryLabel(prev.name, prev.index)} (overlapping entries, a zip-bomb construction); it was not read`,
        cur.index,
      );
      cur.skip ??= 'overlapping-entries';
      continue;
    }
    if (prev) {
      if (prev.extentEnd > cur.lhAt) {
        problems.add(
          'overlapping-entries',
          prev.name,
          `${entryLabel(prev.name, prev.index)} overlaps ${entryLabel(cur.name, cur.index)}: its data contains that entry's local header (overlapping entries, a zip-bomb construction); it was not read`,
          prev.index,
        );
        prev.skip ??= 'overlapping-entries';
      } else if (prev.extentEnd < cur.lhAt) {
        problems.add(
          'hidden-data',
          null,
          `${formatBytes(cur.lhAt - prev.extentEnd)} of hidden data between ${entryLabel(prev.name, prev.index)} and ${entryLabel(cur.name, cur.index)}, accounted for by no header`,
          prev.index,
        );
      }
    }
    prev = cur;
  }
  if (prev && prev.extentEnd < layout.cdAt) {
    problems.add(
      'hidden-data',
      null,
      `${formatBytes(layout.cdAt - prev.extentEnd)} of hidden data between the last entry, ${entryLabel(prev.name, prev.index)}, and the central directory, accounted for by no header`,
      prev.index,
    );
  }
  const cdEnd = layout.cdAt + layout.cdSize;
  if (cdEnd < layout.cdLimit) {
    const next = layout.zip64 ? 'the zip64 end record' : 'the end-of-central-directory record';
    problems.add('hidden-data', null, `${formatBytes(layout.cdLimit - cdEnd)} of hidden data between the central directory and ${next}`, recs.length);
  }
  if (layout.zip64) {
    const recEnd = layout.zip64.recordAt + layout.zip64.recordSize;
    if (recEnd < layout.zip64.locatorAt) {
      problems.add('hidden-data', null, `${formatBytes(layout.zip64.locatorAt - recEnd)} of hidden data between the zip64 end record and its locator`, recs.length);
    }
  }
}

/** Reports symlinks, naming the target when it is short and readable. */
async function reportSymlinks(r: FileReader, recs: Rec[], problems: Problems): Promise<void> {
  for (const rec of recs) {
    if (!rec.symlink) continue;
    const target = rec.hasExtent ? await symlinkTarget(r, rec) : null;
    const to = target === null ? '' : ` to ${quoteName(target)}`;
    problems.add(
      'symlink',
      rec.name,
      `${entryLabel(rec.name, rec.index)} is a symbolic link${to} (mode 0o${(rec.mode ?? 0).toString(8)}); links are not regular files and can point outside the archive`,
      rec.index,
    );
  }
}

async function symlinkTarget(r: FileReader, rec: Rec): Promise<string | null> {
  const { e } = rec;
  if (e.compressedSize > 4096 || (e.generalPurposeBitFlag & FLAG_ENCRYPTED) !== 0) return null;
  const raw = await r.read(rec.dataAt, e.compressedSize);
  try {
    if (e.compressionMethod === METHOD_STORED) return raw.toString('utf8');
    if (e.compressionMethod === METHOD_DEFLATED) return inflateRawSync(raw, { maxOutputLength: 4096 }).toString('utf8');
  } catch {
    // Corrupt or longer than a path: no target in the message.
  }
  return null;
}

type Stop = { code: ArchiveProblemCode; message: string; fatal: boolean };

/** The running counts of one entry being read. */
interface Reading {
  inflated: number;
  /** Compressed bytes zlib has consumed (for a stored entry: bytes read). */
  consumed: number;
  crc: number;
  stop: Stop | null;
}

/** Inflates, checks, hashes and keeps the content of every entry still readable, in central-directory order. */
async function readContents(r: FileReader, recs: Rec[], limits: ArchiveLimits, options: ScanOptions, problems: Problems): Promise<void> {
  const spool = new Spool(options.spoolDir);
  const budget: MemoryBudget = { remaining: limits.maxInMemory * IN_MEMORY_BUDGET_FACTOR };
  let total = 0;
  for (const [i, rec] of recs.entries()) {
    options.progress?.(i, recs.length);
    if (rec.skip !== null || !rec.hasExtent) continue;
    const { e, index, name } = rec;
    const label = lazyLabel(name, index);
    const collector = new EntryCollector({ index, path: name, keep: options.keep, maxInMemory: limits.maxInMemory, spool, budget });
    const deflated = e.compressionMethod === METHOD_DEFLATED;
    const st: Reading = { inflated: 0, consumed: 0, crc: 0, stop: null };

    /** Accounts one chunk of inflated bytes, given the compressed bytes consumed so far; false when reading must stop. */
    const take = (chunk: Uint8Array, consumed: number): boolean => {
      st.inflated += chunk.length;
      st.consumed = consumed;
      if (st.inflated > limits.maxEntrySize) {
        st.stop = {
          code: 'entry-too-large',
          message: `${label} inflates beyond the ${formatBytes(limits.maxEntrySize)} per-entry limit (it declares ${formatBytes(e.uncompressedSize)}); reading stopped`,
          fatal: false,
        };
      } else if (total + st.inflated > limits.maxTotalSize) {
        st.stop = {
          code: 'total-too-large',
          message: `the archive inflates beyond the ${formatBytes(limits.maxTotalSize)} total limit at ${label}; reading stopped`,
          fatal: true,
        };
      } else if (deflated && st.inflated > limits.ratioFloor && st.inflated > limits.maxRatio * Math.max(consumed, 1)) {
        st.stop = {
          code: 'compression-ratio',
          message:
            `${label} inflates more than ${limits.maxRatio}× its compressed size (${formatBytes(st.inflated)} from ${formatBytes(consumed)} so far; ` +
            `it declares ${formatBytes(e.uncompressedSize)} from ${formatBytes(e.compressedSize)}): a zip bomb; reading stopped`,
          fatal: false,
        };
      }
      if (st.stop) return false;
      st.crc = crc32(chunk, st.crc);
      collector.write(chunk);
      return true;
    };

    let error: string | null = null;
    try {
      const small = e.compressedSize <= SMALL_COMPRESSED ? await readSmall(r, rec) : null;
      if (small) take(small.bytes, small.consumed);
      else error = await readStreamed(r, rec, take, st);
    } catch (err) {
      error = (err as Error).message;
    }
    total += st.inflated;
    rec.readSize = st.inflated;

    if (st.stop) {
      collector.discard();
      problems.add(st.stop.code, name, st.stop.message, index, st.stop.fatal);
      if (st.stop.fatal) break;
      continue;
    }
    if (error !== null) {
      collector.discard();
      problems.add('corrupt-entry', name, `${label} is corrupt: its deflate data cannot be inflated (${error})`, index);
      continue;
    }
    const faults: string[] = [];
    if (st.inflated !== e.uncompressedSize) faults.push(`it inflates to ${st.inflated} bytes but declares ${e.uncompressedSize}`);
    if (st.crc >>> 0 !== e.crc32) faults.push(`its CRC-32 is ${hex32(st.crc)} but ${hex32(e.crc32)} is declared`);
    if (faults.length > 0) {
      collector.discard();
      problems.add('corrupt-entry', name, `${label} is corrupt: ${faults.join('; ')}`, index);
      continue;
    }
    if (deflated && st.consumed < e.compressedSize) {
      problems.add('hidden-data', name, `${label} has ${formatBytes(e.compressedSize - st.consumed)} of hidden data after the end of its deflate stream`, index);
    }
    const done = collector.finish();
    rec.sha256 = done.sha256;
    rec.content = done.content;
    if (done.content && options.consume?.(name, done.content, done.sha256)) {
      releaseContent(done.content, budget);
      rec.content = null;
    }
  }
}

/** A small entry in one read and one inflate call; null when it inflates beyond SMALL_INFLATED (then it is streamed). */
async function readSmall(r: FileReader, rec: Rec): Promise<{ bytes: Uint8Array; consumed: number } | null> {
  const raw = await r.read(rec.dataAt, rec.e.compressedSize);
  if (raw.length < rec.e.compressedSize) throw new Error('the file ends inside the entry');
  if (rec.e.compressionMethod === METHOD_STORED) return { bytes: raw, consumed: raw.length };
  try {
    const out = inflateRawSync(raw, { info: true, maxOutputLength: SMALL_INFLATED }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    return { bytes: out.buffer, consumed: out.engine.bytesWritten };
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return null;
    throw err;
  }
}

/**
 * Streams an entry from the file (through zlib when deflated). `take` sees
 * each inflated chunk with the compressed bytes consumed so far and returns
 * false to stop; `st.consumed` ends as the bytes consumed in all. Returns an
 * error message when the deflate data is corrupt, else null.
 */
async function readStreamed(r: FileReader, rec: Rec, take: (chunk: Uint8Array, consumed: number) => boolean, st: Reading): Promise<string | null> {
  const { e } = rec;
  if (e.compressionMethod === METHOD_STORED) {
    let read = 0;
    for await (const chunk of r.range(rec.dataAt, e.compressedSize)) {
      read += chunk.length;
      if (!take(chunk, read)) break;
    }
    return null;
  }
  const raw = Readable.from(r.range(rec.dataAt, e.compressedSize));
  const inflater = createInflateRaw({ chunkSize: INFLATE_CHUNK });
  pipeline(raw, inflater, () => {}); // errors surface through the iteration below; an early stop closes both
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      if (!take(chunk, inflater.bytesWritten)) break;
    }
    if (!st.stop) st.consumed = inflater.bytesWritten;
  } catch (err) {
    return (err as Error).message;
  } finally {
    inflater.destroy();
    raw.destroy();
  }
  return null;
}
