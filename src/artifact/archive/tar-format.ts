/**
 * Tar header blocks, and the walk through a tar stream that decides which
 * bytes are headers and which are data — the way npm decides it.
 *
 * Specs: POSIX.1-2017 pax (the ustar header block and pax extended headers),
 * https://pubs.opengroup.org/onlinepubs/9799919799/utilities/pax.html#tag_20_94_13 ;
 * GNU tar's extensions (`L`/`K` long names, base-256 numbers),
 * https://www.gnu.org/software/tar/manual/html_node/Standard.html .
 *
 *     const walker = new TarWalker({ maxEntries, compressed: true, onRecord, report });
 *     for (const chunk of tarStream) feed(chunk.subarray(0, walker.push(chunk)));
 *     walker.end();
 *
 * npm installs a tarball with pacote, which extracts it with node-tar (npm 11
 * bundles tar 7.5: lib/parse.js, header.js, pax.js, read-entry.js). Tar readers
 * disagree on hostile input, and the reader that matters is the installer's,
 * so the walk follows node-tar wherever it decides the layout:
 *
 * - a block is a header when its (unsigned) checksum matches; a block that
 *   does not is skipped with a warning and the next block is tried (npm
 *   resynchronises: content the other readers never see);
 * - two zero blocks in a row end the archive; a lone zero block does not
 *   (GNU tar stops at it: another disagreement);
 * - a header whose numeric fields hold invalid base-256 numbers, that has no
 *   name, or whose link-target field does not fit its type, is skipped;
 * - pax (`x`, `g`) and GNU long-name (`L`, `K`, `N`) headers up to 1 MiB apply
 *   to the next entry (larger ones are ignored); a pax `size` sets the data
 *   length; a global pax `size` applies to every later entry (node-tar's rule;
 *   tar-stream applies global keys only with a per-entry pax header);
 * - a directory's data length is zero whatever its size field says (GNU tar
 *   and tar-stream agree: the bytes after it are headers).
 *
 * Each of these disagreements is reported where it happens; where readers
 * would extract different files the walk stops (a fatal problem). The walk
 * never allocates from a declared size: it counts data bytes as they pass
 * and holds at most one header block and one extended header (≤ 1 MiB).
 */
import { formatBytes } from './limits.ts';
import { decodeName, lazyLabel } from './names.ts';
import type { ArchiveProblemCode } from './types.ts';

export const BLOCK = 512;
/** node-tar's maxMetaEntrySize: npm ignores pax and GNU long-name headers larger than this. */
export const NPM_MAX_META = 1024 * 1024;

/** Type flags of entries (not extension headers), as node-tar names them. */
const ENTRY_TYPES: Record<string, string> = {
  '0': 'a regular file',
  '1': 'a hard link',
  '2': 'a symbolic link',
  '3': 'a character device',
  '4': 'a block device',
  '5': 'a directory',
  '6': 'a FIFO',
  '7': 'a contiguous file',
  A: 'a Solaris ACL',
  D: 'a GNU dump directory',
  I: 'an inode record',
  M: 'a GNU multi-volume continuation',
  S: 'a GNU sparse file',
  V: 'a tape volume header',
};
/** Extension headers: they describe the next entry. */
const META_TYPES: Record<string, string> = {
  x: 'pax extended header',
  X: 'old pax extended header',
  g: 'global pax extended header',
  L: 'GNU long-name header',
  N: 'old GNU long-name header',
  K: 'GNU long-link header',
};
/** Types that pax and long-name headers apply to (node-tar's normalFsTypes). */
const NORMAL_FS = new Set(['0', '', '1', '2', '3', '4', '5', '6', '7', 'D']);

/** The type an entry flag names, for messages. */
export function typeName(flag: string): string {
  return ENTRY_TYPES[flag] ?? `an entry of unknown type ${JSON.stringify(flag)}`;
}

// ---------------------------------------------------------------------------
// Header blocks

/** The fields of a header block that decide layout and naming (raw bytes, as node-tar reads them). */
export interface RawHeader {
  /** The typeflag character as node-tar decodes it ('' for NUL, U+FFFD for a byte ≥ 0x80). */
  flag: string;
  name: Uint8Array;
  linkname: Uint8Array;
  /** The size field; undefined when it holds no number. */
  size: number | undefined;
  /** Permission bits. */
  mode: number;
  /** The ustar prefix node-tar puts before the name (with magic `ustar\0` and version `00`), or null. */
  prefix: Uint8Array | null;
}

export type HeaderBlock = { kind: 'null' } | { kind: 'invalid'; why: string } | { kind: 'header'; h: RawHeader };

const LINE_END = /[\n\r\u2028\u2029]/;

/**
 * A string field as node-tar decodes it: `.replace(/\0.*\/, '')` — the first
 * NUL and the rest of its line go, not the rest of the field. Done on the
 * bytes, so invalid UTF-8 stays visible to the name checks.
 */
export function fieldBytes(b: Uint8Array): Uint8Array {
  const nul = b.indexOf(0);
  if (nul < 0) return b;
  const tail = Buffer.from(b.subarray(nul)).toString('latin1');
  const m = LINE_END.exec(tail);
  if (!m) return b.subarray(0, nul);
  // U+2028/2029 arrive as the UTF-8 bytes e2 80 a8/a9; in a latin1 reading they are not line ends.
  const out = new Uint8Array(nul + tail.length - m.index);
  out.set(b.subarray(0, nul));
  out.set(b.subarray(nul + m.index), nul);
  return out;
}

/** A string field of a header block, copied out of it (the block's buffer is reused). */
function utf8Field(b: Uint8Array, off: number, len: number): Uint8Array {
  return Uint8Array.prototype.slice.call(fieldBytes(b.subarray(off, off + len)));
}

/** node-tar's decNumber: base-256 when the high bit is set (invalid or unsafe: the header is skipped), else octal text. */
function decNumber(b: Uint8Array, off: number, len: number): number | undefined | 'invalid' {
  const f = b.subarray(off, off + len);
  if ((f[0]! & 0x80) !== 0) {
    if (f[0] !== 0x80 && f[0] !== 0xff) return 'invalid';
    let v = 0n;
    for (let i = f[0] === 0x80 ? 1 : 0; i < f.length; i++) v = (v << 8n) | BigInt(f[i]!);
    if (f[0] === 0xff) v -= 1n << BigInt(8 * f.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : 'invalid';
  }
  const n = parseInt(Buffer.from(f).toString('utf8').replace(/\0.*$/, '').trim(), 8);
  return Number.isNaN(n) ? undefined : n;
}

const USTAR_00 = Buffer.from('ustar\u000000', 'latin1');

/** Decodes one 512-byte block the way node-tar's Header does. */
export function parseHeaderBlock(b: Uint8Array): HeaderBlock {
  let sum = 8 * 0x20;
  for (let i = 0; i < 148; i++) sum += b[i]!;
  for (let i = 156; i < BLOCK; i++) sum += b[i]!;
  const ustar = Buffer.from(b.subarray(257, 265)).equals(USTAR_00);
  const numeric: [string, number, number][] = [
    ['mode', 100, 8],
    ['uid', 108, 8],
    ['gid', 116, 8],
    ['size', 124, 12],
    ['mtime', 136, 12],
    ['checksum', 148, 12],
  ];
  if (ustar) numeric.push(['devmajor', 329, 8], ['devminor', 337, 8]);
  if (ustar && b[475] === 0) numeric.push(['atime', 476, 12], ['ctime', 488, 12]);
  const values: Record<string, number | undefined> = {};
  for (const [field, off, len] of numeric) {
    const v = decNumber(b, off, len);
    if (v === 'invalid') return { kind: 'invalid', why: `its ${field} field holds an invalid base-256 number` };
    values[field] = v;
  }
  const cksum = values['checksum'];
  if (cksum === undefined && sum === 8 * 0x20) return { kind: 'null' };
  if (cksum !== sum) {
    return { kind: 'invalid', why: cksum === undefined ? 'its checksum field is empty' : `its checksum is ${sum} but the header says ${cksum}` };
  }
  let prefix: Uint8Array | null = null;
  if (ustar) {
    if (b[475] !== 0) prefix = utf8Field(b, 345, 155);
    else {
      const p = utf8Field(b, 345, 130);
      if (p.length > 0) prefix = p;
    }
  }
  const flagByte = b[156]!;
  return {
    kind: 'header',
    h: {
      flag: flagByte === 0 ? '' : flagByte < 0x80 ? String.fromCharCode(flagByte) : '\ufffd',
      name: utf8Field(b, 0, 100),
      linkname: utf8Field(b, 157, 100),
      size: values['size'],
      mode: (values['mode'] ?? 0) & 0o7777,
      prefix,
    },
  };
}

// ---------------------------------------------------------------------------
// Extended headers

/** What pax and GNU long-name headers say about the next entry (raw bytes for names). */
interface Ext {
  path?: Uint8Array;
  linkpath?: Uint8Array;
  size?: number;
}

/**
 * node-tar's pax parser (Pax.parse): records are split on newlines, and a
 * record counts only when its length prefix equals its UTF-8 length plus one.
 * Returns the keys that matter for layout and naming, and every key seen.
 */
export function parsePax(raw: Uint8Array): { ext: Ext; keys: string[] } {
  const ext: Ext = {};
  const keys: string[] = [];
  const body = raw.length > 0 && raw[raw.length - 1] === 0x0a ? raw.subarray(0, raw.length - 1) : raw;
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf(0x0a, start);
    if (end < 0) end = body.length;
    const rawLine = body.subarray(start, end);
    start = end + 1;
    const line = Buffer.from(rawLine).toString('utf8');
    const n = parseInt(line, 10);
    if (n !== Buffer.byteLength(line) + 1) continue;
    const rest = rawLine.subarray(`${n} `.length);
    const eq = rest.indexOf(0x3d);
    const key = Buffer.from(eq < 0 ? rest : rest.subarray(0, eq)).toString('utf8');
    if (key.length === 0) continue;
    keys.push(key);
    const value = fieldBytes(eq < 0 ? new Uint8Array(0) : rest.subarray(eq + 1));
    if (key === 'path') ext.path = value;
    else if (key === 'linkpath') ext.linkpath = value;
    else if (key === 'size') {
      const s = +Buffer.from(value).toString('utf8');
      if (s >= 0) ext.size = s;
    }
  }
  return { ext, keys };
}

// ---------------------------------------------------------------------------
// The walk

/** An entry of the archive, as npm reads it. */
export interface TarRecord {
  index: number;
  /** Offset in the tar stream of the entry's own header block. */
  headerAt: number;
  dataAt: number;
  /** Bytes of data after the header (0 for a directory, whatever it declares). */
  size: number;
  /** The type as npm reads it: '' becomes '0', and a '0' whose name ends in '/' becomes '5'. Unknown flags stay as they are. */
  flag: string;
  rawName: Uint8Array;
  /** The name decoded as UTF-8 (invalid bytes as U+FFFD). */
  path: string;
  validUtf8: boolean;
  /** The link target (for links), decoded. */
  linkname: string;
  /** Permission bits. */
  mode: number;
  /** For an entry the stream ends inside: the bytes of its data the stream holds. */
  available: number | null;
}

export interface WalkProblem {
  code: ArchiveProblemCode;
  path: string | null;
  message: string;
  fatal: boolean;
  /** Where it goes among the problems: an entry index, or -1 for the archive as a whole. */
  order: number;
}

export interface WalkerOptions {
  maxEntries: number;
  /** Whether the tar stream came out of gzip (for messages). */
  compressed: boolean;
  /** Called for each entry as its header is read, before its data. */
  onRecord(rec: TarRecord): void;
  report(p: WalkProblem): void;
}

type State = 'header' | 'data' | 'meta' | 'end' | 'stopped';

interface PendingMeta {
  flag: string;
  at: number;
  size: number;
  chunks: Uint8Array[];
  got: number;
}

export class TarWalker {
  readonly records: TarRecord[] = [];
  /** Offset of the next byte to be pushed (bytes of the tar stream seen so far). */
  private pos = 0;
  private state: State = 'header';
  private readonly block = new Uint8Array(BLOCK);
  private fill = 0;
  /** Bytes of data or extended header (with padding) still to come. */
  private remaining = 0;
  private current: TarRecord | null = null;
  private meta: PendingMeta | null = null;
  private ex: Ext | undefined;
  private gex: Ext | undefined;
  /** A zero block just read (its offset), and a lone one not yet reported. */
  private nullAt: number | null = null;
  private loneAt: number | null = null;
  /** The end of the archive's bytes: where a fatal problem stopped the walk, or the end of the end-of-archive blocks. */
  private limit: number | null = null;
  private eoaEnd = 0;
  /** After the end-of-archive blocks: the end of the last non-zero byte, and the first non-zero block if it is a tar header. */
  private trailingEnd = 0;
  private trailingHeader: boolean | null = null;
  private trailingBlock: Uint8Array | null = null;
  private trailingFill = 0;

  constructor(private readonly opts: WalkerOptions) {}

  get stopped(): boolean {
    return this.state === 'stopped';
  }

  /** The entry whose data is being read, if any. */
  get reading(): TarRecord | null {
    return this.state === 'data' ? this.current : null;
  }

  /**
   * Takes the next bytes of the tar stream. Returns how many of them belong to
   * the archive (the rest follow its end, or a fatal problem): those are the
   * bytes to give another reader.
   */
  push(chunk: Uint8Array): number {
    const start = this.pos;
    let i = 0;
    while (i < chunk.length && this.state !== 'stopped') {
      if (this.state === 'end') {
        this.trailing(chunk.subarray(i));
        this.pos += chunk.length - i;
        i = chunk.length;
      } else if (this.state === 'header') {
        const n = Math.min(BLOCK - this.fill, chunk.length - i);
        this.block.set(chunk.subarray(i, i + n), this.fill);
        this.fill += n;
        i += n;
        this.pos += n;
        if (this.fill === BLOCK) {
          this.fill = 0;
          this.header(this.pos - BLOCK);
        }
      } else {
        const n = Math.min(this.remaining, chunk.length - i);
        if (this.state === 'meta') {
          const m = this.meta!;
          const take = Math.min(n, m.size - m.got);
          if (take > 0) {
            m.chunks.push(Uint8Array.prototype.slice.call(chunk, i, i + take));
            m.got += take;
          }
        }
        i += n;
        this.pos += n;
        this.remaining -= n;
        if (this.remaining === 0) {
          if (this.state === 'meta') this.applyMeta();
          else this.current = null;
          if (!this.stopped) this.state = 'header';
        }
      }
    }
    if (this.state === 'stopped' && i < chunk.length) this.pos += chunk.length - i;
    const end = this.limit ?? Infinity;
    return Math.max(0, Math.min(chunk.length, end - start));
  }

  /** The tar stream ended where it should (its container was intact): reports a truncated archive and trailing data. */
  end(): void {
    const order = this.records.length;
    if (this.state === 'end') {
      if (this.trailingEnd > this.eoaEnd) {
        const appended = this.trailingHeader ? ', beginning with another tar header (an appended archive)' : '';
        this.opts.report({
          code: 'trailing-data',
          path: null,
          message:
            `${formatBytes(this.pos - this.eoaEnd)} of trailing data after the tar end-of-archive blocks (from offset ${this.eoaEnd} of the tar stream)${appended}; ` +
            'npm and tar stop at those blocks and never extract it',
          fatal: false,
          order,
        });
      }
      return;
    }
    if (this.state === 'stopped') return;
    if (this.state === 'data') {
      const rec = this.current!;
      const seen = this.pos - rec.dataAt;
      if (seen < rec.size) {
        rec.available = seen;
        this.cut(`it declares ${rec.size} bytes but the tar stream ends ${seen} bytes into them`);
      }
      this.fatal('unreadable', rec.path, `the tar stream ends inside ${lazyLabel(rec.path, rec.index)}${seen < rec.size ? '' : ' (in the padding after its data)'}: a truncated archive`, rec.index);
      return;
    }
    if (this.state === 'meta') {
      this.fatal('unreadable', null, `the tar stream ends inside the ${META_TYPES[this.meta!.flag]} at offset ${this.meta!.at}: a truncated archive`, order);
      return;
    }
    // Between headers: a partial block of zeros is padding (npm ignores it); anything else is a cut header.
    const partial = this.block.subarray(0, this.fill);
    if (partial.some((x) => x !== 0)) {
      const at = this.pos - this.fill;
      if (at === 0) this.notTar(`it is only ${formatBytes(this.fill)} long, less than one 512-byte header`);
      else this.fatal('unreadable', null, `the tar stream ends inside the header block at offset ${at}: a truncated archive`, order);
    } else if (this.pos === 0) {
      this.notTar('it is empty');
    }
  }

  /**
   * The stream stopped for a reason reported elsewhere: ends the walk, and
   * reports the entry it cut as corrupt when `why` says how (a limit that
   * stops the scan is no fault of the entry: null).
   */
  interrupt(why: string | null): void {
    if (this.state === 'data' && this.current) {
      const seen = this.pos - this.current.dataAt;
      if (seen < this.current.size) {
        this.current.available = seen;
        if (why !== null) this.cut(`${why} after ${seen} of its ${this.current.size} bytes`);
      }
    }
    this.state = 'stopped';
    this.limit ??= this.pos;
  }

  private cut(why: string): void {
    const rec = this.current!;
    this.opts.report({ code: 'corrupt-entry', path: rec.path, message: `${lazyLabel(rec.path, rec.index)} is cut short: ${why}`, fatal: false, order: rec.index });
  }

  private fatal(code: ArchiveProblemCode, path: string | null, message: string, order: number, at = this.pos): void {
    this.opts.report({ code, path, message, fatal: true, order });
    this.state = 'stopped';
    this.limit ??= at;
  }

  private notTar(why: string): void {
    const what = this.opts.compressed ? 'the gzip data is not a tar archive' : 'not a tar archive (nor gzip)';
    this.fatal('unreadable', null, `${what}: ${why}`, -1, 0);
  }

  private after(): string {
    const last = this.records[this.records.length - 1];
    return last ? `after ${lazyLabel(last.path, last.index)}` : 'before any entry';
  }

  private header(at: number): void {
    const block = parseHeaderBlock(this.block);
    if (block.kind === 'null') {
      if (this.nullAt !== null) {
        // Two zero blocks: the end of the archive. What follows is trailing data.
        this.state = 'end';
        this.eoaEnd = this.trailingEnd = at + BLOCK;
        this.limit = this.eoaEnd;
        return;
      }
      this.nullAt = at;
      return;
    }
    if (block.kind === 'invalid') {
      if (at === 0) {
        this.notTar(`its first 512-byte block is not a tar header (${block.why})`);
        return;
      }
      this.fatal(
        'unreadable',
        null,
        `the tar stream is corrupt at offset ${at}, ${this.after()}: the block there is not a tar header (${block.why}); ` +
          'npm skips such blocks and reads on, so it may extract entries that were not read here; reading stopped',
        this.records.length,
        at,
      );
      return;
    }
    if (this.nullAt !== null) {
      this.loneAt = this.nullAt;
      this.nullAt = null;
    }
    const h = block.h;
    const meta = META_TYPES[h.flag];
    const normal = NORMAL_FS.has(h.flag);
    const ex = normal ? this.ex : undefined;
    const gex = normal ? this.gex : undefined;
    const ownPath = ex?.path ?? h.name;
    const headerPath = h.prefix ? concatPath(h.prefix, ownPath) : ownPath;
    const isLink = h.flag === '1' || h.flag === '2';
    const what = meta ? `a ${meta}` : typeName(h.flag === '' ? '0' : h.flag);
    const rejected =
      headerPath.length === 0
        ? 'it has no name'
        : isLink && h.linkname.length === 0
          ? 'it is a link with no target in its link field'
          : !isLink && h.flag !== 'x' && h.flag !== 'g' && h.linkname.length > 0
            ? 'it has a link target but is not a link'
            : null;
    if (rejected) {
      this.fatal(
        'header-mismatch',
        null,
        `the header at offset ${at} (${what}, ${this.after()}) is one npm's tar reader skips (${rejected}) and reads the bytes after it as further headers, ` +
          'while other readers take it as an entry with data: they see different files; reading stopped',
        this.records.length,
        at,
      );
      return;
    }
    if (meta) {
      const size = h.size ?? 0;
      if (size > NPM_MAX_META) {
        this.fatal(
          'header-mismatch',
          null,
          `the ${meta} at offset ${at} holds ${formatBytes(size)}, beyond the ${formatBytes(NPM_MAX_META)} npm's tar reader accepts: ` +
            'npm ignores it while other readers apply it, so they name or size the next entry differently; reading stopped',
          this.records.length,
          at,
        );
        return;
      }
      if (size > 0) {
        this.meta = { flag: h.flag, at, size, chunks: [], got: 0 };
        this.remaining = padded(size);
        this.state = 'meta';
      }
      return;
    }

    // An entry.
    const index = this.records.length;
    // node-tar's ReadEntry takes a pending pax or long name whatever the type (its Header only for normal types).
    const rawName = this.ex?.path ?? headerPath;
    const decoded = decodeName(rawName, 'utf8');
    let flag = h.flag === '' ? '0' : h.flag;
    if (flag === '0' && ownPath[ownPath.length - 1] === 0x2f) flag = '5';
    let size = ex?.size ?? gex?.size ?? h.size;
    if (flag === '5') size = 0;
    const label = lazyLabel(decoded.name, index);
    if (size === undefined || !Number.isSafeInteger(size) || size < 0) {
      const field = ex?.size !== undefined || gex?.size !== undefined ? `its pax size (${size})` : 'its size field';
      this.fatal(
        'header-mismatch',
        decoded.name,
        `the header of ${label} at offset ${at}: ${field} is not a byte count; npm reads ${size === undefined ? 'it as 0' : 'it'} and other readers refuse it or read another number; reading stopped`,
        index,
        at,
      );
      return;
    }
    if (index >= this.opts.maxEntries) {
      this.fatal('too-many-entries', null, `the archive has more than ${this.opts.maxEntries} entries (the limit); reading stopped at ${label}`, index, at);
      return;
    }
    const rec: TarRecord = {
      index,
      headerAt: at,
      dataAt: at + BLOCK,
      size,
      flag,
      rawName,
      path: decoded.name,
      validUtf8: decoded.valid,
      linkname: decodeName(this.ex?.linkpath ?? h.linkname, 'utf8').name,
      mode: h.mode,
      available: null,
    };
    this.records.push(rec);
    this.ex = undefined;
    if (this.loneAt !== null) {
      this.opts.report({
        code: 'hidden-data',
        path: rec.path,
        message:
          `a lone zero block at offset ${this.loneAt} of the tar stream comes before ${label}: GNU tar takes it for the end of the archive ` +
          'and extracts nothing after it, npm reads on; the two install different files',
        fatal: false,
        order: index,
      });
      this.loneAt = null;
    }
    this.opts.onRecord(rec);
    if (size > 0) {
      this.current = rec;
      this.remaining = padded(size);
      this.state = 'data';
    }
  }

  private applyMeta(): void {
    const m = this.meta!;
    this.meta = null;
    const raw = concatChunks(m.chunks, m.got);
    if (m.flag === 'L' || m.flag === 'N' || m.flag === 'K') {
      const ex = (this.ex ??= {});
      if (m.flag === 'K') ex.linkpath = fieldBytes(raw);
      else ex.path = fieldBytes(raw);
      return;
    }
    const { ext, keys } = parsePax(raw);
    if (m.flag === 'g') {
      const layout = keys.filter((k) => k === 'path' || k === 'linkpath' || k === 'size');
      if (layout.length > 0) {
        this.fatal(
          'header-mismatch',
          null,
          `the global pax header at offset ${m.at} sets ${layout.join(', ')} for every entry after it: npm's tar reader applies a global size and ignores a global path, ` +
            'tar-stream applies them only to entries with their own pax header, so the readers see different files; reading stopped',
          this.records.length,
          m.at,
        );
        return;
      }
      this.gex = { ...this.gex, ...ext };
      return;
    }
    this.ex = { ...this.ex, ...ext };
  }

  /** Bytes after the end-of-archive blocks: where the last non-zero byte ends, and whether they start with another header. */
  private trailing(b: Uint8Array): void {
    const base = this.pos;
    let i = 0;
    if (this.trailingBlock === null) {
      while (i < b.length && b[i] === 0) i++;
      if (i === b.length) return;
      // The first non-zero byte: collect the 512-byte block it falls in (counted from the end-of-archive blocks), zeros before it.
      this.trailingBlock = new Uint8Array(BLOCK);
      this.trailingFill = (base + i - this.eoaEnd) % BLOCK;
    }
    if (this.trailingFill < BLOCK) {
      const n = Math.min(BLOCK - this.trailingFill, b.length - i);
      this.trailingBlock.set(b.subarray(i, i + n), this.trailingFill);
      this.trailingFill += n;
      if (this.trailingFill === BLOCK) this.trailingHeader = parseHeaderBlock(this.trailingBlock).kind === 'header';
    }
    let last = b.length - 1;
    while (last >= 0 && b[last] === 0) last--;
    if (last >= 0) this.trailingEnd = base + last + 1;
  }
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

function concatPath(prefix: Uint8Array, name: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + 1 + name.length);
  out.set(prefix);
  out[prefix.length] = 0x2f;
  out.set(name, prefix.length + 1);
  return out;
}

function concatChunks(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
