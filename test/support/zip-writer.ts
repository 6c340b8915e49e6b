/**
 * A small zip writer for tests. It writes normal archives, and on request the
 * malformed ones no library will produce: duplicate names, traversal paths,
 * symlink entries, the encryption flag, a local header whose name differs from
 * the central directory's, declared sizes that lie, data before the first
 * entry or after the end record; and (options added for the archive reader's
 * hostile tests) raw name bytes, a clear UTF-8 flag, pre-compressed bodies,
 * lying CRCs, local-header values that differ from the central directory's,
 * bytes hidden between entries, extra fields, and a lying entry count.
 * (APPNOTE.TXT 4.3: local file header, data, central directory, end of
 * central directory record; no zip64.)
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntrySpec {
  name: string;
  data?: Uint8Array | string;
  /** Default: deflate for files, store for directories. */
  method?: 'store' | 'deflate';
  /** Unix mode in the external attributes, e.g. 0o100644, 0o120777 (symlink), 0o040755 (directory). */
  mode?: number;
  /** Sets general-purpose bit 0 (the data itself is not encrypted). */
  encrypted?: boolean;
  /** The name written in the local header, when it should differ from the central directory's. */
  localName?: string;
  /** The uncompressed size written in both headers, when it should lie. */
  declaredSize?: number;
  /** A raw compression method number (overrides `method` in the headers). */
  rawMethod?: number;
  /** The name's bytes as stored (overrides `name`'s UTF-8 encoding; `name` still decides directory-ness). */
  nameBytes?: Uint8Array;
  /** General-purpose bit 11, "names are UTF-8" (default true). */
  utf8?: boolean;
  /** More general-purpose flag bits, OR-ed into both headers (e.g. 0x40, strong encryption). */
  flags?: number;
  /** The entry's data exactly as written (already compressed, or deliberately broken) instead of compressing `data`; give `crc` and `declaredSize` with it. */
  body?: Uint8Array;
  /** The CRC-32 written in both headers instead of the data's. */
  crc?: number;
  /** Values written in the local header only, where they should differ from the central directory's. */
  local?: { method?: number; flags?: number; crc?: number; compressedSize?: number; size?: number };
  /** Extra fields of the central directory entry and of the local header (raw bytes). */
  extra?: Uint8Array;
  localExtra?: Uint8Array;
  /** Bytes written just before this entry's local header, accounted for by no header. */
  before?: Uint8Array;
}

export interface ZipSpec {
  entries: ZipEntrySpec[];
  /** Bytes before the first local header. */
  prefix?: Uint8Array;
  /** Bytes after the end-of-central-directory record. */
  suffix?: Uint8Array;
  /** Bytes between the last entry's data and the central directory. */
  gap?: Uint8Array;
  /** The entry count written in the end record, when it should lie. */
  declaredCount?: number;
}

const DOS_TIME = 0; // 1980-01-01 00:00, for reproducible archives
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

export function buildZip(spec: ZipSpec): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    offset += b.length;
  };
  if (spec.prefix) push(Buffer.from(spec.prefix));
  for (const e of spec.entries) {
    const raw = typeof e.data === 'string' ? Buffer.from(e.data) : Buffer.from(e.data ?? new Uint8Array(0));
    const isDir = e.name.endsWith('/');
    const method = e.method ?? (isDir ? 'store' : 'deflate');
    const body = e.body ? Buffer.from(e.body) : method === 'deflate' ? deflateRawSync(raw) : raw;
    const methodNo = e.rawMethod ?? (method === 'deflate' ? 8 : 0);
    const flags = (e.encrypted ? 1 : 0) | (e.utf8 === false ? 0 : 0x800) | (e.flags ?? 0); // bit 11: names are UTF-8
    const crc = e.crc ?? crc32(raw);
    const size = e.declaredSize ?? raw.length;
    const name = e.nameBytes ? Buffer.from(e.nameBytes) : Buffer.from(e.name);
    const localName = e.localName !== undefined ? Buffer.from(e.localName) : name;
    const extra = Buffer.from(e.extra ?? new Uint8Array(0));
    const localExtra = Buffer.from(e.localExtra ?? new Uint8Array(0));
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.local?.flags ?? flags, 6);
    local.writeUInt16LE(e.local?.method ?? methodNo, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(e.local?.crc ?? crc, 14);
    local.writeUInt32LE(e.local?.compressedSize ?? body.length, 18);
    local.writeUInt32LE(e.local?.size ?? size, 22);
    local.writeUInt16LE(localName.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    if (e.before) push(Buffer.from(e.before));
    const localOffset = offset;
    push(local);
    push(localName);
    push(localExtra);
    push(body);

    const mode = e.mode ?? (isDir ? 0o040755 : 0o100644);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(methodNo, 10);
    cd.writeUInt16LE(DOS_TIME, 12);
    cd.writeUInt16LE(DOS_DATE, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt16LE(extra.length, 30);
    cd.writeUInt16LE(0, 32); // comment
    cd.writeUInt16LE(0, 34); // disk
    cd.writeUInt16LE(0, 36); // internal attributes
    cd.writeUInt32LE((mode << 16) >>> 0, 38);
    cd.writeUInt32LE(localOffset, 42);
    central.push(cd, name, extra);
  }
  if (spec.gap) push(Buffer.from(spec.gap));
  const cdOffset = offset;
  const cdBytes = Buffer.concat(central);
  push(cdBytes);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(spec.declaredCount ?? spec.entries.length, 8);
  eocd.writeUInt16LE(spec.declaredCount ?? spec.entries.length, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  push(eocd);
  if (spec.suffix) push(Buffer.from(spec.suffix));
  return Buffer.concat(parts);
}
